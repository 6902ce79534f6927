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
}
