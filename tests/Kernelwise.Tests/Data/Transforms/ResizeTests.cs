using Kernelwise.Data;

namespace Kernelwise.Tests.Data.Transforms;

public class ResizeTests
{
    [Theory]
    [InlineData(400, 300, 256, 256, 341)] // landscape: height is the smaller edge
    [InlineData(300, 400, 256, 341, 256)] // portrait
    [InlineData(50, 50, 20, 20, 20)]
    public void Should_MatchTheSmallerEdgeAndKeepTheAspectRatio_When_GivenOneSize(int width, int height, int size, int expectedHeight, int expectedWidth)
    {
        using var image = TransformTesting.Ids(width, height);
        using var result = TransformTesting.Apply(new Resize(size), image);
        Assert.Equal((expectedHeight, expectedWidth), (result.Height, result.Width));
        Assert.Equal((expectedHeight, expectedWidth), new Resize(size).OutputSize(height, width));
    }

    [Fact]
    public void Should_StretchToExactlyHeightByWidth_When_GivenBoth()
    {
        using var image = TransformTesting.Ids(30, 10);
        using var result = TransformTesting.Apply(new Resize(7, 9), image);
        Assert.Equal((7, 9), (result.Height, result.Width));
    }

    [Fact]
    public void Should_DuplicatePixels_When_UpscalingByTwoWithNearest()
    {
        using var image = TransformTesting.Ids(3, 2);
        using var result = TransformTesting.Apply(new Resize(4, 6, Interpolation.Nearest), image);
        for (int y = 0; y < 4; y++)
            for (int x = 0; x < 6; x++)
                Assert.Equal(image[x / 2, y / 2], result[x, y]);
    }

    [Fact]
    public void Should_KeepAConstantImageConstant_When_Downscaling()
    {
        using var image = new SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24>(40, 40, new(100, 150, 200));
        foreach (var i in Enum.GetValues<Interpolation>())
        {
            using var result = TransformTesting.Apply(new Resize(9, 13, i), image);
            Assert.All(TransformTesting.Pixels(result).Cast<SixLabors.ImageSharp.PixelFormats.Rgb24>(), p => Assert.Equal(new SixLabors.ImageSharp.PixelFormats.Rgb24(100, 150, 200), p));
        }
    }

    [Fact]
    public void Should_RejectNonPositiveSizes_When_Constructed()
    {
        Assert.Contains("Received size=0", Assert.Throws<ArgumentOutOfRangeException>(() => new Resize(0)).Message);
        Assert.Contains("Received width=-3", Assert.Throws<ArgumentOutOfRangeException>(() => new Resize(4, -3)).Message);
    }
}
