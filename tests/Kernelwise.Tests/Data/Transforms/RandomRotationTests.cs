using Kernelwise.Data;
using SixLabors.ImageSharp.PixelFormats;

namespace Kernelwise.Tests.Data.Transforms;

public class RandomRotationTests
{
    [Theory]
    [InlineData(5)]
    [InlineData(6)]
    public void Should_TurnCounterClockwiseExactly_When_TheAngleIsNinetyDegrees(int size)
    {
        using var image = TransformTesting.Ids(size, size);
        using var result = TransformTesting.Apply(new RandomRotation(90, 90), image);
        // Counter-clockwise (numpy's rot90): the right column becomes the top row.
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
                Assert.Equal(image[size - 1 - y, x], result[x, y]);
    }

    [Fact]
    public void Should_KeepTheSizeAndFillTheCornersWithZeros_When_TurnedFortyFiveDegrees()
    {
        using var image = new SixLabors.ImageSharp.Image<Rgb24>(21, 21, new Rgb24(255, 255, 255));
        using var result = TransformTesting.Apply(new RandomRotation(45, 45, Interpolation.Bilinear), image);
        Assert.Equal((21, 21), (result.Height, result.Width));
        Assert.Equal(new Rgb24(0, 0, 0), result[0, 0]);
        Assert.Equal(new Rgb24(255, 255, 255), result[10, 10]);
    }

    [Fact]
    public void Should_DrawAnglesWithinTheRange_When_Random()
    {
        using var image = TransformTesting.Ids(9, 9);
        var t = new RandomRotation(10);
        using var a = TransformTesting.Apply(t, image, index: 1);
        using var b = TransformTesting.Apply(t, image, index: 1);
        Assert.Equal(TransformTesting.Pixels(a), TransformTesting.Pixels(b));
        Assert.True(t.IsRandom);
        Assert.Equal((-10.0, 10.0), (t.MinDegrees, t.MaxDegrees));
    }
}
