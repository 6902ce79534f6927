using Kernelwise.Data;

namespace Kernelwise.Tests.Data.Transforms;

public class RandomResizedCropTests
{
    [Fact]
    public void Should_PickRegionsInsideTheImageWithinTheScaleAndRatioRanges_When_Sampled()
    {
        var t = new RandomResizedCrop(16, 16, scale: (0.2, 0.6), ratio: (0.5, 2.0));
        double minArea = 1, maxArea = 0;
        for (int i = 0; i < 2000; i++)
        {
            var r = t.SampleRegion(100, 80, TransformRandom.For(0, 0, i, 0));
            Assert.True(r.X >= 0 && r.Y >= 0 && r.Right <= 100 && r.Bottom <= 80, $"region {r} leaves the image");
            double area = (double)r.Width * r.Height / (100 * 80);
            minArea = Math.Min(minArea, area);
            maxArea = Math.Max(maxArea, area);
            double ratio = (double)r.Width / r.Height;
            Assert.InRange(ratio, 0.5 * 0.9, 2.0 * 1.1); // rounding to whole pixels
        }
        Assert.InRange(minArea, 0.19, 0.25);
        Assert.InRange(maxArea, 0.55, 0.62);
    }

    [Fact]
    public void Should_OutputTheRequestedSize_When_Applied()
    {
        using var image = TransformTesting.Ids(50, 30);
        using var result = TransformTesting.Apply(new RandomResizedCrop(7, 11), image);
        Assert.Equal((7, 11), (result.Height, result.Width));
    }

    [Fact]
    public void Should_FallBackToAClampedCentreCrop_When_NoAttemptFits()
    {
        // A 100×10 strip with ratio fixed to 1 and the whole area requested never fits: centre square 10×10.
        var t = new RandomResizedCrop(4, 4, scale: (1, 1), ratio: (1, 1));
        Assert.Equal(new SixLabors.ImageSharp.Rectangle(45, 0, 10, 10), t.SampleRegion(100, 10, new TransformRandom(1)));
    }

    [Fact]
    public void Should_RejectInvalidRanges_When_Constructed()
    {
        Assert.Contains("Received scale=(0.5, 0.2)", Assert.Throws<ArgumentOutOfRangeException>(() => new RandomResizedCrop(8, 8, scale: (0.5, 0.2))).Message);
        Assert.Contains("Received ratio=(0, 1)", Assert.Throws<ArgumentOutOfRangeException>(() => new RandomResizedCrop(8, 8, ratio: (0, 1))).Message);
    }
}
