using Kernelwise;
using Kernelwise.Layers;
using Kernelwise.Shapes;

namespace Kernelwise.Tests.Shapes;

public class ConvolutionArithmeticTests
{
    public class OutputSize
    {
        [Theory]
        [InlineData(28, 5, 1, 2, 2, 1, 28)]  // "same" 5×5
        [InlineData(28, 2, 2, 0, 0, 1, 14)]  // 2×2 pooling
        [InlineData(224, 11, 4, 2, 2, 1, 55)] // AlexNet conv1
        [InlineData(7, 3, 1, 0, 0, 2, 3)]    // dilated: span 5
        [InlineData(10, 3, 3, 0, 1, 1, 3)]   // asymmetric padding
        public void Should_FollowTheTextbookFormula_When_GivenExamples(int n, int k, int s, int before, int after, int d, int expected)
            => Assert.Equal(expected, ConvolutionArithmetic.OutputSize(n, k, s, before, after, d));

        [Fact]
        public void Should_EqualTheFloorFormula_When_ArgumentsAreRandom()
        {
            var rng = new Random(8100);
            for (int i = 0; i < 2000; i++)
            {
                int n = rng.Next(1, 60), k = rng.Next(1, 8), s = rng.Next(1, 5), p = rng.Next(0, 4), d = rng.Next(1, 4);
                int numerator = n + 2 * p - d * (k - 1) - 1;
                if (numerator < 0) continue;
                Assert.Equal(numerator / s + 1, ConvolutionArithmetic.OutputSize(n, k, s, p, p, d));
            }
        }

        [Fact]
        public void Should_ReachCeilOfNOverS_When_PaddingIsSame()
        {
            var rng = new Random(8200);
            for (int i = 0; i < 2000; i++)
            {
                int n = rng.Next(1, 60), k = rng.Next(1, 8), s = rng.Next(1, 5), d = rng.Next(1, 4);
                var (before, after) = ConvolutionArithmetic.SamePadding(n, k, s, d);
                Assert.InRange(after - before, 0, 1); // odd element at the end, as TensorFlow does
                Assert.Equal((n + s - 1) / s, ConvolutionArithmetic.OutputSize(n, k, s, before, after, d));
            }
        }
    }

    public class TransposedOutputSize
    {
        [Theory]
        [InlineData(4, 3, 2, 1, 1, 0, 7)]
        [InlineData(4, 3, 2, 1, 1, 1, 8)]
        [InlineData(7, 4, 2, 1, 1, 0, 14)]  // DCGAN's k = 4, s = 2, p = 1 doubles
        [InlineData(5, 3, 1, 0, 2, 0, 9)]   // dilated
        public void Should_FollowTheTextbookFormula_When_GivenExamples(int n, int k, int s, int p, int d, int op, int expected)
            => Assert.Equal(expected, ConvolutionArithmetic.TransposedOutputSize(n, k, s, p, d, op));

        [Fact]
        public void Should_InvertTheConvolutionSize_When_OutputPaddingIsTheRemainder()
        {
            // For every n, conv gives m = ⌊(n + 2p − d(k − 1) − 1)/s⌋ + 1; the transposed size with output_padding equal
            // to the remainder of that division is n again, and the remainder is always below s.
            var rng = new Random(8300);
            for (int i = 0; i < 2000; i++)
            {
                int n = rng.Next(1, 60), k = rng.Next(1, 8), s = rng.Next(1, 5), p = rng.Next(0, 4), d = rng.Next(1, 4);
                int numerator = n + 2 * p - d * (k - 1) - 1;
                if (numerator < 0) continue;
                int m = ConvolutionArithmetic.OutputSize(n, k, s, p, p, d);
                int op = numerator % s;
                Assert.True(op < s);
                Assert.Equal(n, ConvolutionArithmetic.TransposedOutputSize(m, k, s, p, d, op));
            }
        }

        [Fact]
        public void Should_GiveNTimesS_When_CroppingIsSame()
        {
            var rng = new Random(8400);
            for (int i = 0; i < 2000; i++)
            {
                int n = rng.Next(1, 60), k = rng.Next(1, 8), s = rng.Next(1, 5), d = rng.Next(1, 4);
                var (before, after) = ConvolutionArithmetic.TransposedSameCropping(k, s, d);
                Assert.Equal(n * s, ConvolutionArithmetic.TransposedOutputSize(n, k, s, before, after, d, 0));
                if (after >= 0) Assert.InRange(after - before, 0, 1);
                else Assert.Equal(0, before);
            }
        }
    }

    public class ResolvePadding
    {
        [Fact]
        public void Should_GiveZerosExplicitAmountsOrTheSameRule_When_GivenEachMode()
        {
            int[] spatial = { 8, 7 }, kernel = { 3, 3 }, strides = { 2, 2 };
            Assert.Equal("[0, 0] / [0, 0]", Pairs(ConvolutionArithmetic.ResolvePadding(Padding.Valid, spatial, kernel, strides)));
            Assert.Equal("[2, 2] / [2, 2]", Pairs(ConvolutionArithmetic.ResolvePadding(2, spatial, kernel, strides)));
            Assert.Equal("[1, 2] / [1, 2]", Pairs(ConvolutionArithmetic.ResolvePadding((1, 2), spatial, kernel, strides)));
            // Same, by hand: n = 8 → out 4, total 3·2 + 3 − 8 = 1 → (0, 1); n = 7 → out 4, total 3·2 + 3 − 7 = 2 → (1, 1).
            Assert.Equal("[0, 1] / [1, 1]", Pairs(ConvolutionArithmetic.ResolvePadding(Padding.Same, spatial, kernel, strides)));
            // Dilation 2 widens the kernel to 5: n = 5, stride 1 → total 4 → (2, 2).
            Assert.Equal("[2] / [2]", Pairs(ConvolutionArithmetic.ResolvePadding(Padding.Same, new[] { 5 }, new[] { 3 }, new[] { 1 }, new[] { 2 })));
        }

        [Fact]
        public void Should_CropTheFullOutput_When_ResolvingATransposedConvolution()
        {
            Assert.Equal("[0] / [0]", Pairs(ConvolutionArithmetic.ResolveTransposedCropping(Padding.Valid, new[] { 4 }, new[] { 2 })));
            Assert.Equal("[1, 3] / [1, 3]", Pairs(ConvolutionArithmetic.ResolveTransposedCropping((1, 3), new[] { 4, 4 }, new[] { 2, 2 })));
            // Same: k = 4, s = 2 → crop 2 → (1, 1); k = 3, s = 2 → crop 1 → (0, 1); k = 1, s = 3 → extend by 2 → (0, −2).
            Assert.Equal("[1, 0, 0] / [1, 1, -2]", Pairs(ConvolutionArithmetic.ResolveTransposedCropping(Padding.Same, new[] { 4, 3, 1 }, new[] { 2, 2, 3 })));
        }

        [Fact]
        public void Should_NameTheRule_When_TheArraysDisagreeInRank()
        {
            var e = Assert.Throws<ArgumentException>(() => ConvolutionArithmetic.ResolvePadding(Padding.Same, new[] { 8, 8 }, new[] { 3 }, new[] { 1, 1 }));
            Assert.StartsWith("Expected one kernel size, stride and dilation per spatial dimension (2). Received kernel=[3], strides=[1, 1], dilation=[1, 1].", e.Message);
            var amounts = Assert.Throws<ArgumentException>(() => ConvolutionArithmetic.ResolvePadding((1, 2), new[] { 8, 8, 8 }, new[] { 3, 3, 3 }, new[] { 1, 1, 1 }));
            Assert.Contains("Received padding=(1, 2)", amounts.Message);
        }

        /// <summary>Each layer family on an input of spatial size 8 × 7 (or 8), with the padding resolved by hand.</summary>
        public static TheoryData<string, int[], int[]> Layers() => new()
        {
            // k 3, s 2, same: (0, 1) for 8, (1, 1) for 7.
            { "Conv2D", new[] { 0, 1 }, new[] { 1, 1 } },
            { "DepthwiseConv2D", new[] { 0, 1 }, new[] { 1, 1 } },
            { "SeparableConv2D", new[] { 0, 1 }, new[] { 1, 1 } },
            { "MaxPooling2D", new[] { 0, 1 }, new[] { 1, 1 } },
            // k 3, dilation 2 (span 5), s 1, same on 8: total 4 → (2, 2).
            { "Conv1D dilated", new[] { 2 }, new[] { 2 } },
            // pool 2, s 2, explicit 1.
            { "AveragePooling1D explicit", new[] { 1 }, new[] { 1 } },
            // k 3, s 2, same transposed: crop 1 → (0, 1) in both dimensions (the input size does not matter).
            { "Conv2DTranspose", new[] { 0, 0 }, new[] { 1, 1 } },
        };

        [Theory]
        [MemberData(nameof(Layers))]
        public void Should_ResolveEveryLayersPaddingByTheOneRule_When_Built(string layer, int[] before, int[] after)
        {
            var input2D = new Shape(3, 8, 7);
            var input1D = new Shape(3, 8);
            var resolved = layer switch
            {
                "Conv2D" => new Conv2D(4, 3, strides: 2, padding: Padding.Same).ResolvePadding(input2D),
                "DepthwiseConv2D" => new DepthwiseConv2D(3, strides: 2, padding: Padding.Same).ResolvePadding(input2D),
                "SeparableConv2D" => new SeparableConv2D(4, 3, strides: 2, padding: Padding.Same).ResolvePadding(input2D),
                "MaxPooling2D" => new MaxPooling2D(3, strides: 2, padding: Padding.Same).ResolvePadding(input2D),
                "Conv1D dilated" => new Conv1D(4, 3, padding: Padding.Same, dilation: 2).ResolvePadding(input1D),
                "AveragePooling1D explicit" => new AveragePooling1D(2, padding: 1).ResolvePadding(input1D),
                "Conv2DTranspose" => new Conv2DTranspose(4, 3, strides: 2, padding: Padding.Same).ResolveCropping(),
                _ => throw new ArgumentException(layer),
            };
            Assert.Equal($"[{string.Join(", ", before)}] / [{string.Join(", ", after)}]", Pairs(resolved));
        }

        private static string Pairs((int[] Before, int[] After) p) => $"[{string.Join(", ", p.Before)}] / [{string.Join(", ", p.After)}]";
    }
}
