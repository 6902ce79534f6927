using Kernelwise.Explicit;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Explicit;

/// <summary>
/// The explicit convolution's own matrix products (vector kernels for float32 on the CPU) against libtorch's
/// <c>mm</c>. The kernels are switched on for these tests whatever the processor: without 512-bit hardware .NET runs
/// the same vector code in software, slower but with the same results.
/// </summary>
public class MatrixProductTests
{
    private static void WithKernels(int threads, Action body)
    {
        bool saved = MatrixProduct.UseVectorKernels;
        int savedThreads = get_num_threads();
        MatrixProduct.UseVectorKernels = true;
        set_num_threads(threads);
        try
        {
            body();
        }
        finally
        {
            MatrixProduct.UseVectorKernels = saved;
            set_num_threads(savedThreads);
        }
    }

    /// <summary>Relative error of <paramref name="actual"/> against a float64 reference, scaled by the size of the terms.</summary>
    private static double Error(Tensor actual, Tensor reference, Tensor scale)
        => ((actual.to_type(ScalarType.Float64) - reference).abs() / (scale + 1e-30)).max().item<double>();

    public class Multiply
    {
        [Fact]
        public void Should_MatchLibtorch_When_ShapesStridesAndAccumulationAreRandom()
        {
            var rng = new Random(17);
            manual_seed(17);
            foreach (int threads in new[] { 1, 2 })
            {
                WithKernels(threads, () =>
                {
                    for (int t = 0; t < 40; t++)
                    {
                        using var scope = NewDisposeScope();
                        // Sizes around the register block (8 × 48) and the cache blocks (256, 192), edges included.
                        int m = rng.Next(1, 3) == 1 ? rng.Next(1, 20) : rng.Next(100, 420);
                        int n = rng.Next(1, 3) == 1 ? rng.Next(1, 60) : rng.Next(400, 3300);
                        int k = rng.Next(1, 3) == 1 ? rng.Next(1, 40) : rng.Next(200, 700);
                        bool transposedA = rng.Next(2) == 0, accumulate = rng.Next(2) == 0, paddedRows = rng.Next(2) == 0;
                        var a = transposedA ? randn(k, m).t() : randn(m, k);
                        var b = paddedRows ? randn(k, n + 5).narrow(1, 2, n) : randn(k, n); // rows longer than n: a strided view
                        var c = randn(m, n);
                        var expected = (accumulate ? c.to_type(ScalarType.Float64) : zeros(m, n, dtype: ScalarType.Float64))
                                       + a.to_type(ScalarType.Float64).mm(b.to_type(ScalarType.Float64));
                        var scale = a.abs().to_type(ScalarType.Float64).mm(b.abs().to_type(ScalarType.Float64)) + (accumulate ? c.abs().to_type(ScalarType.Float64) : 0);
                        MatrixProduct.Multiply(c, a, b, accumulate);
                        double error = Error(c, expected, scale);
                        Assert.True(error < 1e-5, $"C = A·B ({m}×{k} · {k}×{n}, A transposed {transposedA}, accumulate {accumulate}, {threads} thread(s)) is off by {error:G3} relative.");
                    }
                });
            }
        }

        [Fact]
        public void Should_ZeroTheResult_When_TheSharedDimensionIsEmpty()
        {
            WithKernels(1, () =>
            {
                using var scope = NewDisposeScope();
                var c = full(3, 4, 7f);
                MatrixProduct.Multiply(c, empty(3, 0), empty(0, 4), accumulate: false);
                Assert.Equal(0f, c.abs().sum().item<float>());
                var d = full(3, 4, 7f);
                MatrixProduct.Multiply(d, empty(3, 0), empty(0, 4), accumulate: true);
                Assert.Equal(7f * 12, d.sum().item<float>());
            });
        }

        [Fact]
        public void Should_LeaveFloat64ToLibtorch_When_TheDtypeIsNotFloat32()
        {
            WithKernels(1, () =>
            {
                using var scope = NewDisposeScope();
                var a = randn(33, 70, dtype: ScalarType.Float64);
                var b = randn(70, 50, dtype: ScalarType.Float64);
                var c = empty(33, 50, dtype: ScalarType.Float64);
                MatrixProduct.Multiply(c, a, b, accumulate: false);
                Assert.True(c.equal(a.mm(b)).all().item<bool>());
            });
        }
    }

    public class MultiplyTransposed
    {
        [Fact]
        public void Should_MatchLibtorch_When_ShapesAndAccumulationAreRandom()
        {
            var rng = new Random(18);
            manual_seed(18);
            foreach (int threads in new[] { 1, 2 })
            {
                WithKernels(threads, () =>
                {
                    for (int t = 0; t < 40; t++)
                    {
                        using var scope = NewDisposeScope();
                        // Sizes around the 4 × 5 block, the 16-wide vectors and the 1024-term blocks.
                        int m = rng.Next(1, 3) == 1 ? rng.Next(1, 11) : rng.Next(60, 200);
                        int n = rng.Next(1, 3) == 1 ? rng.Next(1, 13) : rng.Next(100, 900);
                        int k = rng.Next(1, 3) == 1 ? rng.Next(1, 40) : rng.Next(1000, 2700);
                        bool accumulate = rng.Next(2) == 0;
                        var a = randn(m, k);
                        var b = rng.Next(2) == 0 ? randn(n, k) : randn(n, k + 3).narrow(1, 1, k);
                        var c = randn(m, n);
                        var expected = (accumulate ? c.to_type(ScalarType.Float64) : zeros(m, n, dtype: ScalarType.Float64))
                                       + a.to_type(ScalarType.Float64).mm(b.to_type(ScalarType.Float64).t());
                        var scale = a.abs().to_type(ScalarType.Float64).mm(b.abs().to_type(ScalarType.Float64).t()) + (accumulate ? c.abs().to_type(ScalarType.Float64) : 0);
                        MatrixProduct.MultiplyTransposed(c, a, b, accumulate);
                        double error = Error(c, expected, scale);
                        Assert.True(error < 1e-5, $"C = A·Bᵀ ({m}×{k} · ({n}×{k})ᵀ, accumulate {accumulate}, {threads} thread(s)) is off by {error:G3} relative.");
                    }
                });
            }
        }

        [Fact]
        public void Should_FallBackToLibtorch_When_TheKernelsAreSwitchedOff()
        {
            bool saved = MatrixProduct.UseVectorKernels;
            MatrixProduct.UseVectorKernels = false;
            try
            {
                using var scope = NewDisposeScope();
                var a = randn(9, 40);
                var b = randn(11, 40);
                var c = empty(9, 11);
                MatrixProduct.MultiplyTransposed(c, a, b, accumulate: false);
                Assert.True(c.equal(a.mm(b.t())).all().item<bool>());
            }
            finally
            {
                MatrixProduct.UseVectorKernels = saved;
            }
        }
    }
}
