using Kernelwise.Diagnostics;
using Kernelwise.Explicit;
using TorchSharp;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Explicit;

public class ExplicitConvolutionTests
{
    /// <summary>Runs the case through libtorch and the explicit convolution and compares the output and every gradient.</summary>
    private static void CompareWithLibtorch(ConvolutionCase c, ScalarType dtype, double rtol, double atol)
    {
        using var scope = NewDisposeScope();
        var (x, w, b) = c.Tensors(dtype);
        var expected = c.Native(x, w, b);
        var actual = c.Explicit(x, w, b);
        AssertClose(expected, actual, rtol, atol, "output", c);

        var names = new List<string>();
        var leaves = new List<Tensor>();
        if (x.requires_grad) { names.Add("∂L/∂X"); leaves.Add(x); }
        names.Add("∂L/∂W");
        leaves.Add(w);
        if (b is not null) { names.Add("∂L/∂b"); leaves.Add(b); }
        var upstream = randn_like(expected);
        var expectedGrads = autograd.grad(new[] { expected }, leaves, new[] { upstream });
        var actualGrads = autograd.grad(new[] { actual }, leaves, new[] { upstream });
        for (int i = 0; i < leaves.Count; i++) AssertClose(expectedGrads[i], actualGrads[i], rtol, atol, names[i], c);
    }

    private static void AssertClose(Tensor expected, Tensor actual, double rtol, double atol, string what, ConvolutionCase c)
    {
        Assert.Equal(expected.shape, actual.shape);
        double diff = expected.numel() == 0 ? 0 : (expected - actual).abs().max().to_type(ScalarType.Float64).item<double>();
        Assert.True(expected.allclose(actual, rtol, atol), $"{what} differs from libtorch's by up to {diff:G3} for {c}");
    }

    private static long ChunkFor(ConvolutionCase c, Random rng)
    {
        long oh = (c.Height + 2 * c.Padding[0] - c.Dilation[0] * (c.KernelHeight - 1) - 1) / c.Stride[0] + 1;
        long ow = (c.Width + 2 * c.Padding[1] - c.Dilation[1] * (c.KernelWidth - 1) - 1) / c.Stride[1] + 1;
        long perSample = (long)c.Channels * c.KernelHeight * c.KernelWidth * oh * ow;
        // One sample per chunk, two per chunk (leaving a remainder for odd batches), or the whole batch at once.
        return rng.Next(3) switch { 0 => 1, 1 => 2 * perSample, _ => 1L << 20 };
    }

    public class Forward_and_backward
    {
        [Fact]
        public void Should_MatchLibtorchOutputAndAllThreeGradients_When_250RandomConfigurationsInFloat64()
        {
            var rng = new Random(20261128);
            manual_seed(1);
            var saved = Conv2DFunction.ChunkElementsSetting;
            try
            {
                for (int t = 0; t < 250; t++)
                {
                    var c = ConvolutionCase.Random(rng);
                    Conv2DFunction.ChunkElementsSetting = ChunkFor(c, rng);
                    CompareWithLibtorch(c, ScalarType.Float64, rtol: 1e-9, atol: 1e-10);
                }
            }
            finally
            {
                Conv2DFunction.ChunkElementsSetting = saved;
            }
        }

        [Fact]
        public void Should_MatchLibtorchWithinFloat32Rounding_When_60RandomConfigurationsInFloat32()
        {
            var rng = new Random(7);
            manual_seed(2);
            var saved = Conv2DFunction.ChunkElementsSetting;
            try
            {
                for (int t = 0; t < 60; t++)
                {
                    var c = ConvolutionCase.Random(rng);
                    Conv2DFunction.ChunkElementsSetting = ChunkFor(c, rng);
                    CompareWithLibtorch(c, ScalarType.Float32, rtol: 1e-4, atol: 1e-5);
                }
            }
            finally
            {
                Conv2DFunction.ChunkElementsSetting = saved;
            }
        }

        [Fact]
        public void Should_MatchLibtorch_When_TheVectorKernelsAndRowLoopsRunOnOneAndTwoThreads()
        {
            // The float32 CPU path (own matrix products, im2col and col2im loops) switched on whatever the processor, on
            // random configurations and on the benchmarked layer, whose chunks are large enough to be split over threads.
            bool savedKernels = MatrixProduct.UseVectorKernels;
            int savedThreads = get_num_threads();
            var savedChunk = Conv2DFunction.ChunkElementsSetting;
            MatrixProduct.UseVectorKernels = true;
            try
            {
                foreach (int threads in new[] { 1, 2 })
                {
                    set_num_threads(threads);
                    var rng = new Random(30 + threads);
                    manual_seed(30 + threads);
                    for (int t = 0; t < 30; t++)
                    {
                        var c = ConvolutionCase.Random(rng);
                        Conv2DFunction.ChunkElementsSetting = ChunkFor(c, rng);
                        CompareWithLibtorch(c, ScalarType.Float32, rtol: 1e-4, atol: 1e-5);
                    }
                    Conv2DFunction.ChunkElementsSetting = null;
                    var large = new ConvolutionCase(8, 32, 64, 1, 14, 14, 5, 5, new long[] { 1, 1 }, new long[] { 2, 2 }, new long[] { 1, 1 }, true, true);
                    CompareWithLibtorch(large, ScalarType.Float32, rtol: 1e-4, atol: 1e-4);
                }
            }
            finally
            {
                MatrixProduct.UseVectorKernels = savedKernels;
                set_num_threads(savedThreads);
                Conv2DFunction.ChunkElementsSetting = savedChunk;
            }
        }

        [Fact]
        public void Should_MatchLibtorch_When_LayerIsTheBenchmarkedSizeWithSeveralChunks()
        {
            // [8, 32→64, 14×14, 5×5, padding 2]: about 6 samples per chunk by default, so a full and a partial chunk.
            var c = new ConvolutionCase(8, 32, 64, 1, 14, 14, 5, 5, new long[] { 1, 1 }, new long[] { 2, 2 }, new long[] { 1, 1 }, true, true);
            manual_seed(3);
            CompareWithLibtorch(c, ScalarType.Float32, rtol: 1e-4, atol: 1e-4);
        }

        [Fact]
        public void Should_MatchLibtorch_When_InputIsANonContiguousView()
        {
            using var scope = NewDisposeScope();
            manual_seed(4);
            var stored = randn(2, 6, 7, 3, dtype: ScalarType.Float64);
            var x = stored.permute(0, 3, 1, 2); // [2, 3, 6, 7], channels last in memory
            var w = randn(4, 3, 3, 3, dtype: ScalarType.Float64).requires_grad_(true);
            Assert.False(x.is_contiguous());
            foreach (long padding in new long[] { 0, 1 })
            {
                var expected = nn.functional.conv2d(x, w, null, new long[] { 1, 2 }, new long[] { padding, padding });
                var actual = ExplicitConvolution.Conv2D(x, w, null, new long[] { 1, 2 }, new long[] { padding, padding }, null, 1);
                Assert.True(expected.allclose(actual, 1e-10, 1e-12));
            }
        }

        [Fact]
        public void Should_ComputeNoInputGradient_When_InputDoesNotRequireGrad()
        {
            using var scope = NewDisposeScope();
            var x = randn(2, 3, 5, 5, dtype: ScalarType.Float64);
            var w = randn(4, 3, 3, 3, dtype: ScalarType.Float64).requires_grad_(true);
            var y = ExplicitConvolution.Conv2D(x, w, padding: 1);
            y.sum().backward();
            Assert.Null(x.grad);
            Assert.NotNull(w.grad);
            Assert.Equal(new long[] { 4, 3, 3, 3 }, w.grad!.shape);
        }

        [Fact]
        public void Should_ReturnAnEmptyBatch_When_TheInputHasNoSamples()
        {
            using var scope = NewDisposeScope();
            var x = randn(0, 3, 6, 6).requires_grad_(true);
            var w = randn(4, 3, 3, 3).requires_grad_(true);
            var y = ExplicitConvolution.Conv2D(x, w, randn(4), padding: 1);
            Assert.Equal(new long[] { 0, 4, 6, 6 }, y.shape);
            y.sum().backward();
            Assert.Equal(0, w.grad!.abs().sum().item<float>());
            Assert.Equal(new long[] { 0, 3, 6, 6 }, x.grad!.shape);
        }

        [Fact]
        public void Should_BuildNoGraph_When_CalledUnderNoGrad()
        {
            using var scope = NewDisposeScope();
            var x = randn(1, 2, 4, 4).requires_grad_(true);
            var w = randn(3, 2, 2, 2).requires_grad_(true);
            Tensor y;
            using (no_grad()) y = ExplicitConvolution.Conv2D(x, w);
            Assert.False(y.requires_grad);
            Assert.Equal(new long[] { 1, 3, 3, 3 }, y.shape);
        }

        [Fact]
        public void Should_PassTheGradientChecker_When_SmallConfigurationsInFloat64()
        {
            var configurations = new[]
            {
                new ConvolutionCase(2, 2, 3, 1, 5, 6, 3, 3, new long[] { 1, 1 }, new long[] { 1, 1 }, new long[] { 1, 1 }, true, true),
                new ConvolutionCase(2, 2, 2, 1, 7, 6, 3, 2, new long[] { 2, 3 }, new long[] { 1, 0 }, new long[] { 1, 1 }, true, true),
                new ConvolutionCase(1, 4, 2, 2, 7, 7, 2, 3, new long[] { 1, 2 }, new long[] { 2, 1 }, new long[] { 2, 2 }, true, true),
                new ConvolutionCase(2, 3, 3, 3, 5, 5, 3, 3, new long[] { 1, 1 }, new long[] { 0, 0 }, new long[] { 1, 1 }, false, true),
            };
            manual_seed(5);
            foreach (var c in configurations)
            {
                using var scope = NewDisposeScope();
                var (x, w, b) = c.Tensors(ScalarType.Float64);
                var inputs = b is null ? new[] { x, w } : new[] { x, w, b };
                var names = b is null ? new[] { "x", "weight" } : new[] { "x", "weight", "bias" };
                var result = GradientChecker.Check(t => c.Explicit(t[0], t[1], t.Length > 2 ? t[2] : null), inputs, names);
                Assert.True(result.Passed, $"{c}: {result}");
                Assert.Equal(inputs.Sum(t => (int)t.numel()), result.CheckedElements);
            }
        }

        [Fact]
        public void Should_LeaveNoLiveTensors_When_ForwardAndBackwardRunInADisposeScope()
        {
            var x = randn(4, 3, 9, 9).requires_grad_(true);
            var w = randn(5, 3, 3, 3).requires_grad_(true);
            var b = randn(5).requires_grad_(true);
            ExplicitConvolution.Conv2D(x, w, b, stride: 2, padding: 1).sum().backward(); // workspaces exist from here on
            var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            for (int i = 0; i < 3; i++)
            {
                using var scope = NewDisposeScope();
                var y = ExplicitConvolution.Conv2D(x, w, b, stride: 2, padding: 1);
                (y * y).sum().backward();
            }
            Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
            x.Dispose(); w.Dispose(); b.Dispose();
        }

        [Fact]
        public void Should_ReuseScratchBuffers_When_CalledAgainWithSmallerOrEqualShapes()
        {
            ExplicitConvolution.ReleaseWorkspaces();
            Assert.Equal(0, ExplicitConvolution.WorkspaceBytes);
            using var scope = NewDisposeScope();
            var x = randn(4, 8, 12, 12).requires_grad_(true);
            var w = randn(16, 8, 3, 3).requires_grad_(true);
            ExplicitConvolution.Conv2D(x, w, padding: 1).sum().backward();
            long held = ExplicitConvolution.WorkspaceBytes;
            Assert.True(held > 0);
            for (int i = 0; i < 3; i++) ExplicitConvolution.Conv2D(x, w, padding: 1).sum().backward();
            ExplicitConvolution.Conv2D(x.narrow(0, 0, 2), w, padding: 1).sum().backward();
            Assert.Equal(held, ExplicitConvolution.WorkspaceBytes);
            ExplicitConvolution.ReleaseWorkspaces();
            Assert.Equal(0, ExplicitConvolution.WorkspaceBytes);
        }

        [Fact]
        public void Should_MatchLibtorch_When_RunOnCuda()
        {
            Assert.SkipUnless(cuda.is_available(), "Needs a CUDA device; none is available on this machine.");
            var rng = new Random(11);
            manual_seed(6);
            for (int t = 0; t < 20; t++)
            {
                using var scope = NewDisposeScope();
                var c = ConvolutionCase.Random(rng);
                var (x, w, b) = c.Tensors(ScalarType.Float64);
                var device = CUDA;
                var xc = x.detach().to(device).requires_grad_(x.requires_grad);
                var wc = w.detach().to(device).requires_grad_(true);
                var bc = b?.detach().to(device).requires_grad_(true);
                var expected = c.Native(x, w, b);
                var actual = c.Explicit(xc, wc, bc);
                Assert.True(expected.allclose(actual.cpu(), 1e-9, 1e-10), c.ToString());
                var upstream = randn_like(expected);
                expected.backward(new[] { upstream });
                actual.backward(new[] { upstream.to(device) });
                Assert.True(w.grad!.allclose(wc.grad!.cpu(), 1e-9, 1e-10), c.ToString());
                if (x.requires_grad) Assert.True(x.grad!.allclose(xc.grad!.cpu(), 1e-9, 1e-10), c.ToString());
            }
        }
    }

    public class Arguments
    {
        [Fact]
        public void Should_NameTheWeight_When_ItsChannelsDoNotMatchTheInput()
        {
            using var scope = NewDisposeScope();
            var e = Assert.Throws<ArgumentException>(() => ExplicitConvolution.Conv2D(randn(1, 3, 5, 5), randn(4, 2, 3, 3)));
            Assert.Equal("weight", e.ParamName);
            Assert.Contains("Expected weight.shape[1] = channels/groups = 3/1 = 3. Received weight of shape [4, 2, 3, 3]", e.Message);
        }

        [Fact]
        public void Should_NameTheDtypes_When_WeightAndInputDiffer()
        {
            using var scope = NewDisposeScope();
            var e = Assert.Throws<ArgumentException>(() => ExplicitConvolution.Conv2D(randn(1, 3, 5, 5), randn(4, 3, 3, 3, dtype: ScalarType.Float64)));
            Assert.Contains("Expected the input's dtype Float32. Received dtype Float64", e.Message);
        }

        [Fact]
        public void Should_SayTheKernelDoesNotFit_When_DilatedKernelExceedsThePaddedInput()
        {
            using var scope = NewDisposeScope();
            var e = Assert.Throws<ArgumentException>(() => ExplicitConvolution.Conv2D(randn(1, 1, 4, 4), randn(1, 1, 3, 3), dilation: 2));
            Assert.Contains("The dilated kernel 5×5 (d(k − 1) + 1) must fit in the padded input 4×4", e.Message);
        }

        [Fact]
        public void Should_RejectGroups_When_TheyDoNotDivideTheChannels()
        {
            using var scope = NewDisposeScope();
            var e = Assert.Throws<ArgumentException>(() => ExplicitConvolution.Conv2D(randn(1, 3, 5, 5), randn(4, 1, 3, 3), groups: 2));
            Assert.Contains("The input channels must be divisible by groups. Received channels=3, groups=2.", e.Message);
        }

        [Fact]
        public void Should_RejectNegativePadding_When_Given()
        {
            using var scope = NewDisposeScope();
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => ExplicitConvolution.Conv2D(randn(1, 1, 5, 5), randn(1, 1, 3, 3), padding: -1));
            Assert.Contains("Expected values of 0 or more. Received padding=[-1]", e.Message);
        }

        [Fact]
        public void Should_RejectIntegerInputs_When_Given()
        {
            using var scope = NewDisposeScope();
            var e = Assert.Throws<ArgumentException>(() => ExplicitConvolution.Conv2D(ones(1, 1, 5, 5, dtype: ScalarType.Int32), ones(1, 1, 3, 3, dtype: ScalarType.Int32)));
            Assert.Contains("Expected a floating-point tensor (float32 or float64). Received dtype Int32", e.Message);
        }

        [Fact]
        public void Should_RejectInputsThatAreNotNCHW_When_Given()
        {
            using var scope = NewDisposeScope();
            var e = Assert.Throws<ArgumentException>(() => ExplicitConvolution.Conv2D(randn(3, 5, 5), randn(1, 3, 3, 3)));
            Assert.Contains("Expected 4 dimensions [batch, channels, height, width] (NCHW). Received input of shape [3, 5, 5]", e.Message);
        }
    }
}
