using Kernelwise.Layers;
using Kernelwise.Models;
using static Kernelwise.Tests.Layers.LayerTesting;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Layers.Convolutional;

public class BaseConvTests
{
    internal static BaseConv Make(int rank, int filters, int[] k, int[] s, Padding padding, int[] d, int groups, bool useBias = true,
        Activation activation = Activation.Linear) => rank switch
    {
        1 => new Conv1D(filters, Size(k), Size(s), padding, Size(d), groups, activation, useBias),
        2 => new Conv2D(filters, Size(k), Size(s), padding, Size(d), groups, activation, useBias),
        _ => new Conv3D(filters, Size(k), Size(s), padding, Size(d), groups, activation, useBias),
    };

    public class RandomConfigurations
    {
        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        [InlineData(3)]
        public void Should_MatchTheFormulaTheModuleAndLibtorch_When_ConfigurationsAreRandom(int rank)
        {
            var rng = new Random(7100 + rank);
            int built = 0, rejected = 0;
            for (int trial = 0; trial < 60; trial++)
            {
                int groups = rng.Next(1, 4), c = groups * rng.Next(1, 3), f = groups * rng.Next(1, 3);
                int[] k = rng.Draw(rank, 1, 4), s = rng.Draw(rank, 1, 3), d = rng.Draw(rank, 1, 3), n = rng.Draw(rank, 1, rank == 3 ? 7 : 12);
                int mode = rng.Next(3);
                int[] p = mode == 2 ? rng.Draw(rank, 0, 2) : new int[rank];
                var padding = mode switch { 0 => Padding.Valid, 1 => Padding.Same, _ => Padding.Explicit(Size(p)) };
                bool bias = rng.Next(2) == 0;
                var layer = Make(rank, f, k, s, padding, d, groups, bias);
                var input = ShapeOf(c, n);

                // The formula, written out independently: ⌊(n + 2p − d(k − 1) − 1)/s⌋ + 1, or ⌈n/s⌉ for "same".
                var before = new int[rank];
                var after = new int[rank];
                var expected = new int[rank];
                bool fits = true;
                for (int i = 0; i < rank; i++)
                {
                    int span = d[i] * (k[i] - 1) + 1;
                    if (mode == 1)
                    {
                        expected[i] = (n[i] + s[i] - 1) / s[i];
                        int total = Math.Max((expected[i] - 1) * s[i] + span - n[i], 0);
                        before[i] = total / 2;
                        after[i] = total - before[i];
                    }
                    else
                    {
                        before[i] = after[i] = p[i];
                        if (span > n[i] + 2 * p[i]) fits = false;
                        else expected[i] = (n[i] + 2 * p[i] - span) / s[i] + 1;
                    }
                }
                if (!fits)
                {
                    Assert.Throws<ModelBuildException>(() => layer.ComputeOutputShape(input));
                    rejected++;
                    continue;
                }
                var output = layer.ComputeOutputShape(input);
                Assert.Equal(ShapeOf(f, expected), output);
                Assert.Equal(k.Product() * (c / groups) * f + (bias ? f : 0), layer.CountParameters(input).Trainable);
                Assert.Equal(output.Elements * k.Product() * (c / groups), layer.CountMultiplyAccumulates(input, output));

                using var model = Build(layer, input);
                Assert.Equal(layer.CountParameters(input).Total, ParameterCount(model));
                using var scope = NewDisposeScope();
                var x = randn(input.WithBatch(2));
                var y = model.GraphModule.forward(x);
                Assert.Equal(output.WithBatch(2), y.shape);
                var w = Parameter(model, "weight");
                var b = bias ? Parameter(model, "bias") : null;
                var padded = nn.functional.pad(x, PadPairs(before, after));
                AssertClose(Conv(rank, padded, w, b, s, new int[rank], d, groups), y);
                built++;
            }
            Assert.True(built >= 20, $"only {built} configurations fitted");
            Assert.True(rejected >= 1, "no configuration exercised the kernel-too-large error");
        }

        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        public void Should_AgreeWithLibtorchSamePadding_When_StrideIsOne(int rank)
        {
            // libtorch's own padding='same' (stride 1 only) also puts the odd element at the end.
            var rng = new Random(7200 + rank);
            for (int trial = 0; trial < 12; trial++)
            {
                int[] k = rng.Draw(rank, 1, 4), d = rng.Draw(rank, 1, 2), n = rng.Draw(rank, 3, 9);
                var layer = Make(rank, 3, k, Enumerable.Repeat(1, rank).ToArray(), Padding.Same, d, 1);
                var input = ShapeOf(2, n);
                using var model = Build(layer, input);
                using var scope = NewDisposeScope();
                var x = randn(input.WithBatch(2));
                var y = model.GraphModule.forward(x);
                var w = Parameter(model, "weight");
                var b = Parameter(model, "bias");
                var reference = rank == 1
                    ? nn.functional.conv1d_padding(x, w, b, 1, TorchSharp.Padding.Same, d[0])
                    : nn.functional.conv2d_padding(x, w, b, new long[] { 1, 1 }, TorchSharp.Padding.Same, d.L());
                AssertClose(reference, y);
            }
        }
    }

    public class TextbookIdentities
    {
        [Fact]
        public void Should_EqualADenseLayerAppliedToEveryPixel_When_TheKernelIs1x1()
        {
            const int c = 5, f = 7, h = 4, w = 6;
            var conv = new Conv2D(f, 1);
            var dense = new Dense(f);
            using var convModel = Build(conv, new Shape(c, h, w));
            using var denseModel = Build(dense, new Shape(c));
            Assert.Equal(conv.CountParameters(new Shape(c, h, w)), dense.CountParameters(new Shape(c)));
            using var scope = NewDisposeScope();
            using (no_grad())
            {
                // Dense weight [F, C] is the 1×1 kernel [F, C, 1, 1] without its two unit dimensions.
                Parameter(denseModel, "weight").copy_(Parameter(convModel, "weight").reshape(f, c));
                Parameter(denseModel, "bias").copy_(Parameter(convModel, "bias"));
            }
            var x = randn(3, c, h, w);
            var convolved = convModel.GraphModule.forward(x);
            var pixels = x.permute(0, 2, 3, 1).reshape(-1, c); // one row per (sample, pixel)
            var perPixel = denseModel.GraphModule.forward(pixels).reshape(3, h, w, f).permute(0, 3, 1, 2);
            AssertClose(perPixel, convolved);
        }

        [Fact]
        public void Should_EqualAConvolutionWithZerosBetweenTheTaps_When_Dilated()
        {
            // Atrous convolution: a 3×3 kernel with dilation 2 is the 5×5 kernel with the taps at even positions.
            var conv = new Conv2D(4, 3, dilation: 2, padding: 2);
            using var model = Build(conv, new Shape(3, 9, 9));
            using var scope = NewDisposeScope();
            var w = Parameter(model, "weight");
            var spread = zeros(4, 3, 5, 5);
            spread.index_put_(w, TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Slice(0, 5, 2), TensorIndex.Slice(0, 5, 2));
            var x = randn(2, 3, 9, 9);
            var reference = nn.functional.conv2d(x, spread, Parameter(model, "bias"), padding: new long[] { 2, 2 });
            AssertClose(reference, model.GraphModule.forward(x));
            Assert.Equal(new Shape(4, 9, 9), conv.ComputeOutputShape(new Shape(3, 9, 9)));
        }

        [Fact]
        public void Should_GrowTheReceptiveFieldByTheDilatedSpan_When_Dilated()
        {
            var summary = new Sequential(new Shape(1, 32, 32)).Conv2D(4, 3).Conv2D(4, 3, dilation: 2).Conv2D(4, 3, dilation: 4).Summary();
            Assert.Equal(new[] { 3, 3 }, summary.Rows[0].ReceptiveField);
            Assert.Equal(new[] { 7, 7 }, summary.Rows[1].ReceptiveField);
            Assert.Equal(new[] { 15, 15 }, summary.Rows[2].ReceptiveField); // 2^(l+1) − 1: exponential growth, WaveNet's argument
        }
    }

    public class Activations
    {
        [Fact]
        public void Should_ApplyTheActivation_When_GivenAsAnArgument()
        {
            var layer = new Conv1D(3, 2, activation: Activation.Tanh);
            using var model = Build(layer, new Shape(2, 6));
            using var scope = NewDisposeScope();
            var x = randn(2, 2, 6);
            var reference = nn.functional.conv1d(x, Parameter(model, "weight"), Parameter(model, "bias")).tanh();
            AssertClose(reference, model.GraphModule.forward(x));
        }
    }
}
