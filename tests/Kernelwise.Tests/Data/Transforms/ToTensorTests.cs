using Kernelwise.Data;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Kernelwise.Tests.Data.Transforms;

public class ToTensorTests
{
    [Fact]
    public void Should_ProduceChannelFirstFloatsInZeroToOne_When_Applied()
    {
        using var image = new Image<Rgba32>(3, 2);
        image[2, 1] = new Rgba32(255, 51, 0, 102);
        using var t = new ToTensor().Apply(image);
        Assert.Equal(new long[] { 4, 2, 3 }, t.shape);
        Assert.Equal(TorchSharp.torch.ScalarType.Float32, t.dtype);
        Assert.Equal(1f, t[0, 1, 2].item<float>());
        Assert.Equal(0.2f, t[1, 1, 2].item<float>(), 6);
        Assert.Equal(0.4f, t[3, 1, 2].item<float>(), 6);
        Assert.Equal(0f, t[0, 0, 0].item<float>());
    }

    [Fact]
    public void Should_GiveOneChannel_When_TheImageIsGray()
    {
        using var image = new Image<L8>(5, 4, new L8(255));
        Assert.Equal((1, 4, 5), ToTensor.ShapeOf(image));
    }
}
