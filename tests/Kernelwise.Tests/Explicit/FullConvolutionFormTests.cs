using Kernelwise.Explicit;
using TorchSharp;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Explicit;

/// <summary>
/// The two textbook forms of ∂L/∂X agree: col2im(Wᵀ·∂L/∂Y), which the explicit convolution's backward pass computes,
/// and the full convolution of ∂L/∂Y with the kernel rotated by 180°
/// (<see cref="ExplicitConvolution.InputGradientByFullConvolution"/>).
/// </summary>
public class FullConvolutionFormTests
{
    [Fact]
    public void Should_EqualTheCol2ImGradientAndLibtorchs_When_200RandomConfigurationsInFloat64()
    {
        var rng = new Random(20261201);
        manual_seed(7);
        for (int t = 0; t < 200; t++)
        {
            var c = ConvolutionCase.Random(rng);
            // One stride, padding and dilation for both dimensions, as the function takes them.
            long stride = c.Stride[0], padding = c.Padding[0], dilation = c.Dilation[0];
            c = c with
            {
                Stride = new[] { stride, stride }, Padding = new[] { padding, padding }, Dilation = new[] { dilation, dilation },
                InputRequiresGrad = true,
                Height = (int)Math.Max(c.Height, dilation * (c.KernelHeight - 1) + 1),
                Width = (int)Math.Max(c.Width, dilation * (c.KernelWidth - 1) + 1),
            };
            using var scope = NewDisposeScope();
            var (x, w, b) = c.Tensors(ScalarType.Float64);
            var y = c.Explicit(x, w, b);
            var upstream = randn_like(y);
            var col2im = autograd.grad(new[] { y }, new[] { x }, new[] { upstream })[0];
            var libtorch = autograd.grad(new[] { c.Native(x, w, b) }, new[] { x }, new[] { upstream })[0];
            var rotated = ExplicitConvolution.InputGradientByFullConvolution(upstream, w.detach(), c.Height, c.Width, stride, padding, dilation, c.Groups);
            Assert.Equal(x.shape, rotated.shape);
            Assert.True(rotated.allclose(col2im, 1e-9, 1e-10), $"full-convolution form differs from col2im by {(rotated - col2im).abs().max().item<double>():G3} for {c}");
            Assert.True(rotated.allclose(libtorch, 1e-9, 1e-10), $"full-convolution form differs from libtorch by {(rotated - libtorch).abs().max().item<double>():G3} for {c}");
        }
    }

    [Fact]
    public void Should_GiveTheWorkedExamplesInputGradient_When_GIsPaddedAndTheKernelRotated()
    {
        // 3×3 input, 2×2 kernel W = [[1, 2], [3, 4]], G = ∂L/∂Y = [[1, −1], [2, 0.5]]. The full convolution slides
        // rot180(W) = [[4, 3], [2, 1]] over G padded with one ring of zeros: ∂L/∂x22 = 1·4 + (−1)·3 + 2·2 + 0.5·1 = 5.5.
        using var scope = NewDisposeScope();
        var w = tensor(new double[] { 1, 2, 3, 4 }, new long[] { 1, 1, 2, 2 });
        var g = tensor(new double[] { 1, -1, 2, 0.5 }, new long[] { 1, 1, 2, 2 });
        var dx = ExplicitConvolution.InputGradientByFullConvolution(g, w, 3, 3).reshape(9).data<double>().ToArray();
        Assert.Equal(new[] { 1.0, 1, -2, 5, 5.5, -3, 6, 9.5, 2 }, dx);
    }

    [Fact]
    public void Should_NameTheExpectedShape_When_TheOutputGradientDoesNotFitTheInput()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => ExplicitConvolution.InputGradientByFullConvolution(zeros(1, 1, 3, 3), zeros(1, 1, 2, 2), 3, 3));
        Assert.Equal("outputGradient", e.ParamName);
        Assert.Contains("Expected [N, 1, 2, 2] (the output of a 3×3 input with weight [1, 1, 2, 2], stride 1, padding 0, dilation 1, groups 1). Received [1, 1, 3, 3].", e.Message);
    }
}
