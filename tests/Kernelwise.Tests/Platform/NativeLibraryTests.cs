using TorchSharp;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Platform;

public class NativeLibraryTests
{
    [Fact]
    public void Should_RunConvolutionForwardAndBackward_When_NativeLibraryIsPatched()
    {
        using var x = randn(2, 3, 8, 8, requires_grad: true);
        using var w = randn(4, 3, 3, 3, requires_grad: true);
        using var y = nn.functional.conv2d(x, w);
        Assert.Equal(new long[] { 2, 4, 6, 6 }, y.shape);
        using var s = y.sum();
        s.backward();
        Assert.NotNull(x.grad);
        Assert.Equal(x.shape, x.grad!.shape);
    }
}
