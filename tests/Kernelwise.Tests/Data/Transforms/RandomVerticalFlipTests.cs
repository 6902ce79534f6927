using Kernelwise.Data;

namespace Kernelwise.Tests.Data.Transforms;

public class RandomVerticalFlipTests
{
    [Fact]
    public void Should_MirrorTopToBottom_When_ProbabilityIsOne()
    {
        using var image = TransformTesting.Ids(3, 5);
        using var result = TransformTesting.Apply(new RandomVerticalFlip(1), image);
        for (int y = 0; y < 5; y++)
            for (int x = 0; x < 3; x++)
                Assert.Equal(image[x, 4 - y], result[x, y]);
    }

    [Fact]
    public void Should_LeaveTheImage_When_ProbabilityIsZero()
    {
        using var image = TransformTesting.Ids(3, 5);
        using var result = TransformTesting.Apply(new RandomVerticalFlip(0), image);
        Assert.Equal(TransformTesting.Pixels(image), TransformTesting.Pixels(result));
    }
}
