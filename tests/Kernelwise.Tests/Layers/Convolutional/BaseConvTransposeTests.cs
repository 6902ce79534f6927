using Kernelwise.Layers;
using Kernelwise.Models;
using static Kernelwise.Tests.Layers.LayerTesting;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Layers.Convolutional;

public class BaseConvTransposeTests
{
    internal static BaseConvTranspose Make(int rank, int filters, int[] k, int[] s, Padding padding, int[] op, int[] d, int groups, bool useBias = true) => rank switch
    {
        1 => new Conv1DTranspose(filters, Size(k), Size(s), padding, Size(op), Size(d), groups, useBias: useBias),
        2 => new Conv2DTranspose(filters, Size(k), Size(s), padding, Size(op), Size(d), groups, useBias: useBias),
        _ => new Conv3DTranspose(filters, Size(k), Size(s), padding, Size(op), Size(d), groups, useBias: useBias),
    };

    public class RandomConfigurations
    {
        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        [InlineData(3)]
        public void Should_MatchTheFormulaAndLibtorch_When_ConfigurationsAreRandom(int rank)
        {
            var rng = new Random(7500 + rank);
            int built = 0, rejected = 0;
            for (int trial = 0; trial < 40; trial++)
            {
                int groups = rng.Next(1, 3), c = groups * rng.Next(1, 3), f = groups * rng.Next(1, 3);
                int[] k = rng.Draw(rank, 1, 4), s = rng.Draw(rank, 1, 3), d = rng.Draw(rank, 1, 2), n = rng.Draw(rank, 1, rank == 3 ? 4 : 7);
                int mode = rng.Next(3);
                int[] p = mode == 2 ? rng.Draw(rank, 0, 3) : new int[rank];
                // output_padding below max(stride, dilation), PyTorch's rule; none with "same".
                int[] op = mode == 1 ? new int[rank] : s.Select((v, i) => rng.Next(0, Math.Max(v, d[i]))).ToArray();
                var padding = mode switch { 0 => Padding.Valid, 1 => Padding.Same, _ => Padding.Explicit(Size(p)) };
                bool bias = rng.Next(2) == 0;
                var layer = Make(rank, f, k, s, padding, op, d, groups, bias);
                var input = ShapeOf(c, n);

                // (n − 1)s − 2p + d(k − 1) + output_padding + 1, or n·s for "same".
                var expected = n.Select((v, i) => mode == 1 ? v * s[i] : (v - 1) * s[i] - 2 * p[i] + d[i] * (k[i] - 1) + op[i] + 1).ToArray();
                if (expected.Any(v => v < 1))
                {
                    var e = Assert.Throws<ModelBuildException>(() => layer.ComputeOutputShape(input));
                    Assert.Contains("is below 1", e.Message);
                    rejected++;
                    continue;
                }
                var output = layer.ComputeOutputShape(input);
                Assert.Equal(ShapeOf(f, expected), output);
                Assert.Equal(k.Product() * c * (f / groups) + (bias ? f : 0), layer.CountParameters(input).Trainable);
                Assert.Equal(input.Elements * k.Product() * (f / groups), layer.CountMultiplyAccumulates(input, output));

                using var model = Build(layer, input);
                Assert.Equal(layer.CountParameters(input).Total, ParameterCount(model));
                using var scope = NewDisposeScope();
                var w = Parameter(model, "weight");
                Assert.Equal(new long[] { c, f / groups }.Concat(k.L()), w.shape); // PyTorch's [in, out/groups, *k]
                var b = bias ? Parameter(model, "bias") : null;
                var x = randn(input.WithBatch(2));
                var y = model.GraphModule.forward(x);
                Assert.Equal(output.WithBatch(2), y.shape);
                Tensor reference;
                if (mode != 1)
                {
                    reference = ConvTranspose(rank, x, w, b, s, p, op, d, groups);
                }
                else
                {
                    // "same": the full output, zero-extended at the end if shorter than n·s, cropped to n·s from
                    // ⌊(d(k − 1) + 1 − s)/2⌋ on; then the bias.
                    var full = ConvTranspose(rank, x, w, null, s, new int[rank], new int[rank], d, groups);
                    var start = new int[rank];
                    var extend = new int[rank];
                    for (int i = 0; i < rank; i++)
                    {
                        int span = d[i] * (k[i] - 1) + 1;
                        start[i] = Math.Max(span - s[i], 0) / 2;
                        extend[i] = Math.Max(s[i] - span, 0);
                    }
                    reference = nn.functional.pad(full, PadPairs(new int[rank], extend));
                    for (int i = 0; i < rank; i++) reference = reference.narrow(i + 2, start[i], expected[i]);
                    if (b is not null) reference = reference + b.reshape(new long[] { 1, f }.Concat(Enumerable.Repeat(1L, rank)).ToArray());
                }
                AssertClose(reference, y);
                built++;
            }
            Assert.True(built >= 20, $"only {built} configurations were valid");
            Assert.True(rejected >= 1, "no configuration exercised the output-below-1 error");
        }
    }

    public class Adjoint
    {
        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        [InlineData(3)]
        public void Should_BeTheAdjointOfTheConvolution_When_BothShareTheKernel(int rank)
        {
            // ⟨conv(x), y⟩ = ⟨x, convᵀ(y)⟩ for the convolution weight W [F, C/g, *k] used as the transposed weight
            // [in = F, out/g = C/g, *k]; output_padding recovers the input size a strided convolution loses.
            var rng = new Random(7600 + rank);
            int tested = 0, testedSame = 0, testedStrided = 0;
            for (int trial = 0; trial < 40 && tested < 12; trial++)
            {
                int groups = rng.Next(1, 3), c = groups * rng.Next(1, 3), f = groups * rng.Next(1, 3);
                int[] k = rng.Draw(rank, 1, 3), s = rng.Draw(rank, 1, 3), d = rng.Draw(rank, 1, 2);
                bool same = rng.Next(2) == 0;
                // "same" is its own adjoint's padding when n is a multiple of the stride.
                int[] n = same ? s.Select(v => v * rng.Next(1, rank == 3 ? 3 : 4)).ToArray() : rng.Draw(rank, 3, rank == 3 ? 6 : 9);
                int[] p = same ? new int[rank] : k.Select((v, i) => rng.Next(0, (d[i] * (v - 1) + 1) / 2 + 1)).ToArray();
                var convPadding = same ? Padding.Same : Padding.Explicit(Size(p));
                var conv = BaseConvTests.Make(rank, f, k, s, convPadding, d, groups, useBias: false);
                var input = ShapeOf(c, n);
                Shape convOut;
                try { convOut = conv.ComputeOutputShape(input); }
                catch (ModelBuildException) { continue; }
                var op = new int[rank];
                for (int i = 0; i < rank && !same; i++) op[i] = n[i] - ((convOut[i + 1] - 1) * s[i] - 2 * p[i] + d[i] * (k[i] - 1) + 1);
                if (op.Zip(s, (o, v) => (o, v)).Zip(d, (t, dd) => t.o >= t.v && t.o >= dd).Any(bad => bad)) continue;
                var transposed = Make(rank, c, k, s, convPadding, op, d, groups, useBias: false);
                Assert.Equal(input, transposed.ComputeOutputShape(convOut));

                using var convModel = Build(conv, input);
                using var transposedModel = Build(transposed, convOut);
                using var scope = NewDisposeScope();
                using (no_grad()) Parameter(transposedModel, "weight").copy_(Parameter(convModel, "weight"));
                var x = randn(input.WithBatch(2), dtype: ScalarType.Float32);
                var y = randn(convOut.WithBatch(2), dtype: ScalarType.Float32);
                double left = (convModel.GraphModule.forward(x).to_type(ScalarType.Float64) * y.to_type(ScalarType.Float64)).sum().item<double>();
                double right = (x.to_type(ScalarType.Float64) * transposedModel.GraphModule.forward(y).to_type(ScalarType.Float64)).sum().item<double>();
                Assert.True(Math.Abs(left - right) <= 1e-4 * (1 + Math.Abs(left)), $"⟨conv(x), y⟩ = {left} but ⟨x, convᵀ(y)⟩ = {right}");
                tested++;
                if (same) testedSame++;
                if (s.Any(v => v > 1)) testedStrided++;
            }
            Assert.True(tested >= 8 && testedSame >= 2 && testedStrided >= 3, $"only {tested} pairs tested ({testedSame} same, {testedStrided} strided)");
        }

        [Fact]
        public void Should_RecoverTheLargerInputSize_When_OutputPaddingIsGiven()
        {
            // A stride-2 convolution maps both 7 and 8 to 4 (k = 3, p = 1); output_padding chooses 8.
            var conv = new Conv2D(4, 3, strides: 2, padding: 1);
            Assert.Equal(new Shape(4, 4, 4), conv.ComputeOutputShape(new Shape(1, 7, 7)));
            Assert.Equal(new Shape(4, 4, 4), conv.ComputeOutputShape(new Shape(1, 8, 8)));
            Assert.Equal(new Shape(1, 7, 7), new Conv2DTranspose(1, 3, strides: 2, padding: 1).ComputeOutputShape(new Shape(4, 4, 4)));
            Assert.Equal(new Shape(1, 8, 8), new Conv2DTranspose(1, 3, strides: 2, padding: 1, outputPadding: 1).ComputeOutputShape(new Shape(4, 4, 4)));
        }
    }

    /// <summary>Where Keras's output sizes differ from PyTorch's (which Kernelwise follows), and how to get Keras's.</summary>
    public class KerasSizes
    {
        // Keras 3's compute_conv_transpose_output_length, with k the dilated kernel.
        private static int KerasValid(int n, int k, int s) => n * s + Math.Max(k - s, 0);

        private static int KerasWithOutputPadding(int n, int k, int s, int outputPadding, bool same) => (n - 1) * s + k - 2 * (same ? k / 2 : 0) + outputPadding;

        [Fact]
        public void Should_FollowPyTorchNotKeras_When_ValidKernelIsSmallerThanTheStride()
        {
            var layer = new Conv2DTranspose(1, 7, strides: 16);

            Assert.Equal(new Shape(1, 215, 215), layer.ComputeOutputShape(new Shape(3, 14, 14)));
            Assert.Equal(224, KerasValid(14, 7, 16));
        }

        [Fact]
        public void Should_GiveKerasSizeAndRunInLibtorch_When_OutputPaddingIsStrideMinusKernel()
        {
            var layer = new Conv2DTranspose(2, 7, strides: 16, outputPadding: 16 - 7);
            Assert.Equal(new Shape(2, 224, 224), layer.ComputeOutputShape(new Shape(3, 14, 14)));

            using var model = Build(layer, new Shape(3, 14, 14));
            using var x = randn(1, 3, 14, 14);
            using var y = model.GraphModule.forward(x);
            Assert.Equal(new long[] { 1, 2, 224, 224 }, y.shape);
        }

        [Fact]
        public void Should_AgreeWithKeras_When_ValidKernelIsAtLeastTheStride()
        {
            foreach (var (n, k, s) in new[] { (5, 3, 2), (7, 4, 4), (4, 5, 1), (9, 3, 3) })
                Assert.Equal(KerasValid(n, k, s), new Conv1DTranspose(1, k, strides: s).ComputeOutputShape(new Shape(1, n))[1]);
        }

        [Theory]
        [InlineData(1, 3, 2, 1, 1)]
        [InlineData(2, 5, 3, 2, 2)]
        [InlineData(3, 4, 2, 1, 2)]
        public void Should_NameThePaddingThatGivesKerasSize_When_SameHasAnOutputPadding(int rank, int k, int s, int outputPadding, int expectedPadding)
        {
            int[] kernel = Enumerable.Repeat(k, rank).ToArray(), stride = Enumerable.Repeat(s, rank).ToArray(), op = Enumerable.Repeat(outputPadding, rank).ToArray();
            int[] one = Enumerable.Repeat(1, rank).ToArray();

            var e = Assert.Throws<ArgumentException>(() => Make(rank, 2, kernel, stride, Padding.Same, op, one, 1));
            Assert.Contains($"pass padding: {expectedPadding}, outputPadding: {outputPadding}.", e.Message);

            // The suggestion reproduces Keras's size in every dimension.
            var suggested = Make(rank, 2, kernel, stride, Padding.Explicit(expectedPadding), op, one, 1);
            var output = suggested.ComputeOutputShape(ShapeOf(1, Enumerable.Repeat(6, rank).ToArray()));
            for (int i = 1; i <= rank; i++) Assert.Equal(KerasWithOutputPadding(6, k, s, outputPadding, same: true), output[i]);
        }

        [Fact]
        public void Should_NameOnePaddingPerDimension_When_KernelAndDilationDiffer()
        {
            var e = Assert.Throws<ArgumentException>(() => new Conv2DTranspose(2, (3, 5), strides: 2, padding: Padding.Same, outputPadding: 1, dilation: (1, 2)));

            // Dilated kernels 3 and 9: Keras crops 1 and 4.
            Assert.Contains("pass padding: (1, 4), outputPadding: 1.", e.Message);
        }
    }

    public class Summary
    {
        [Fact]
        public void Should_GrowTheReceptiveFieldLikeAConvolution_When_StrideIsOne()
        {
            var summary = new Sequential(new Shape(1, 16, 16)).Conv2D(4, 3, padding: Padding.Same).Conv2DTranspose(4, 3, padding: Padding.Same).Summary();
            Assert.Equal(new Shape(4, 16, 16), summary.Rows[1].Output);
            Assert.Equal(new[] { 5, 5 }, summary.Rows[1].ReceptiveField);
            Assert.Equal(new[] { 1, 1 }, summary.Rows[1].Jump);
        }

        [Fact]
        public void Should_ShowNoReceptiveField_When_StrideUpsamples()
        {
            var summary = new Sequential(new Shape(1, 16, 16)).Conv2D(4, 3, strides: 2, padding: Padding.Same)
                .Conv2DTranspose(4, 3, strides: 2, padding: Padding.Same).Conv2D(1, 3, padding: Padding.Same).Summary();
            Assert.Equal(new Shape(4, 16, 16), summary.Rows[1].Output);
            Assert.Null(summary.Rows[1].ReceptiveField);
            Assert.Null(summary.Rows[2].Jump);
            Assert.Contains("conv2d_transpose (Conv2DTranspose)  (None, 4, 16, 16)", summary.ToString());
        }

        [Fact]
        public void Should_CountTheMultiplyAccumulatesOfTheAdjointConvolution_When_Described()
        {
            var input = new Shape(8, 16, 16);
            var conv = new Conv2D(16, 3, strides: 2, padding: Padding.Same);
            var convOut = conv.ComputeOutputShape(input);
            var transposed = new Conv2DTranspose(8, 3, strides: 2, padding: Padding.Same);
            Assert.Equal(conv.CountMultiplyAccumulates(input, convOut), transposed.CountMultiplyAccumulates(convOut, transposed.ComputeOutputShape(convOut)));
        }
    }
}
