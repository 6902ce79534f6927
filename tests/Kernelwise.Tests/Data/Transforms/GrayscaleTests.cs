using Kernelwise.Data;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Kernelwise.Tests.Data.Transforms;

public class GrayscaleTests
{
    [Fact]
    public void Should_UseItu601Luma_When_ConvertingToOneChannel()
    {
        using var image = new Image<Rgb24>(1, 1, new Rgb24(200, 100, 50));
        using var result = (Image<L8>)new Grayscale().Apply(image.Clone(), new TransformRandom(0));
        Assert.Equal((byte)Math.Round(0.299 * 200 + 0.587 * 100 + 0.114 * 50), result[0, 0].PackedValue);
    }

    [Fact]
    public void Should_ReplicateTheGrayValue_When_ThreeChannelsAreAsked()
    {
        using var image = new Image<Rgba32>(1, 1, new Rgba32(10, 20, 30, 40));
        using var result = (Image<Rgb24>)new Grayscale(3).Apply(image.Clone(), new TransformRandom(0));
        byte g = (byte)Math.Round(0.299 * 10 + 0.587 * 20 + 0.114 * 30);
        Assert.Equal(new Rgb24(g, g, g), result[0, 0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Grayscale(2));
    }
}
