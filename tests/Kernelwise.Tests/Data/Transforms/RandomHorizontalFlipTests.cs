using Kernelwise.Data;

namespace Kernelwise.Tests.Data.Transforms;

public class RandomHorizontalFlipTests
{
    [Fact]
    public void Should_MirrorLeftToRight_When_ProbabilityIsOne()
    {
        using var image = TransformTesting.Ids(5, 3);
        using var result = TransformTesting.Apply(new RandomHorizontalFlip(1), image);
        for (int y = 0; y < 3; y++)
            for (int x = 0; x < 5; x++)
                Assert.Equal(image[4 - x, y], result[x, y]);
    }

    [Fact]
    public void Should_FlipAboutHalfTheSamplesReproducibly_When_ProbabilityIsHalf()
    {
        using var image = TransformTesting.Ids(4, 2);
        var flip = new RandomHorizontalFlip();
        int flipped = 0;
        for (int i = 0; i < 400; i++)
        {
            using var a = TransformTesting.Apply(flip, image, index: i);
            using var b = TransformTesting.Apply(flip, image, index: i);
            Assert.Equal(a[0, 0], b[0, 0]);
            if (a[0, 0] != image[0, 0]) flipped++;
        }
        Assert.InRange(flipped, 160, 240);
        using var never = TransformTesting.Apply(new RandomHorizontalFlip(0), image);
        Assert.Equal(TransformTesting.Pixels(image), TransformTesting.Pixels(never));
    }

    [Fact]
    public void Should_RejectAProbabilityOutsideZeroToOne_When_Constructed()
    {
        Assert.Contains("Expected a value in [0, 1]. Received probability=1.5", Assert.Throws<ArgumentOutOfRangeException>(() => new RandomHorizontalFlip(1.5)).Message);
    }
}
