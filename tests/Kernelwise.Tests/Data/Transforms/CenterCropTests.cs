using Kernelwise.Data;
using SixLabors.ImageSharp.PixelFormats;

namespace Kernelwise.Tests.Data.Transforms;

public class CenterCropTests
{
    [Fact]
    public void Should_CutTheCentralWindow_When_TheImageIsLarger()
    {
        using var image = TransformTesting.Ids(10, 7);
        using var result = TransformTesting.Apply(new CenterCrop(3, 4), image);
        Assert.Equal((3, 4), (result.Height, result.Width));
        // torchvision: top = round((7 - 3) / 2) = 2, left = round((10 - 4) / 2) = 3
        for (int y = 0; y < 3; y++)
            for (int x = 0; x < 4; x++)
                Assert.Equal(image[x + 3, y + 2], result[x, y]);
    }

    [Fact]
    public void Should_PadWithZerosAroundTheImage_When_TheCropIsLarger()
    {
        using var image = TransformTesting.Ids(2, 2);
        using var result = TransformTesting.Apply(new CenterCrop(4), image);
        Assert.Equal(image[0, 0], result[1, 1]);
        Assert.Equal(image[1, 1], result[2, 2]);
        Assert.Equal(new Rgb24(0, 0, 0), result[0, 0]);
        Assert.Equal(new Rgb24(0, 0, 0), result[3, 3]);
    }
}
