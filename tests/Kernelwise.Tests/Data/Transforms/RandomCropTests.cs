using Kernelwise.Data;
using SixLabors.ImageSharp.PixelFormats;

namespace Kernelwise.Tests.Data.Transforms;

public class RandomCropTests
{
    /// <summary>The (left, top) of the window in padded coordinates, found by locating the original's pixels.</summary>
    private static (int Left, int Top) Locate(SixLabors.ImageSharp.Image<Rgb24> crop, int padding)
    {
        for (int y = 0; y < crop.Height; y++)
            for (int x = 0; x < crop.Width; x++)
                if (crop[x, y].B == 200) return (crop[x, y].R - 1 - x + padding, crop[x, y].G - 1 - y + padding);
        throw new InvalidOperationException("The crop holds only padding.");
    }

    [Fact]
    public void Should_ReturnAWindowOfThePaddedImage_When_Applied()
    {
        using var image = TransformTesting.Ids(8, 8);
        var crop = new RandomCrop(8, padding: 2);
        var seen = new HashSet<(int, int)>();
        for (int i = 0; i < 400; i++)
        {
            using var result = TransformTesting.Apply(crop, image, index: i);
            Assert.Equal((8, 8), (result.Height, result.Width));
            var (left, top) = Locate(result, 2);
            seen.Add((left, top));
            for (int y = 0; y < 8; y++)
                for (int x = 0; x < 8; x++)
                {
                    int sx = x + left - 2, sy = y + top - 2;
                    var expected = sx is >= 0 and < 8 && sy is >= 0 and < 8 ? image[sx, sy] : new Rgb24(0, 0, 0);
                    Assert.Equal(expected, result[x, y]);
                }
        }
        Assert.Equal(25, seen.Count); // every offset in [0, 4]² occurs
    }

    [Fact]
    public void Should_RepeatTheSameCrop_When_TheKeyIsTheSame()
    {
        using var image = TransformTesting.Ids(12, 12);
        using var a = TransformTesting.Apply(new RandomCrop(6), image, seed: 4, index: 9);
        using var b = TransformTesting.Apply(new RandomCrop(6), image, seed: 4, index: 9);
        Assert.Equal(TransformTesting.Pixels(a), TransformTesting.Pixels(b));
    }

    [Fact]
    public void Should_ExplainTheFix_When_TheCropIsLargerThanTheImage()
    {
        using var image = TransformTesting.Ids(4, 4);
        var error = Assert.Throws<InvalidOperationException>(() => TransformTesting.Apply(new RandomCrop(6), image));
        Assert.Contains("RandomCrop(size=(6, 6), padding=0) received a 4×4 image", error.Message);
        Assert.Contains("padIfNeeded", error.Message);
        using var padded = TransformTesting.Apply(new RandomCrop(6, padIfNeeded: true), image);
        Assert.Equal((6, 6), (padded.Height, padded.Width));
    }
}
