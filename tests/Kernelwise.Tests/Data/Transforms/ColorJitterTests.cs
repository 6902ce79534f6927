using Kernelwise.Data;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Kernelwise.Tests.Data.Transforms;

public class ColorJitterTests
{
    [Fact]
    public void Should_ScaleEveryChannelByOneFactorInRange_When_OnlyBrightnessJitters()
    {
        using var image = new Image<Rgb24>(4, 4, new Rgb24(100, 60, 20));
        var t = new ColorJitter(brightness: 0.5);
        var factors = new List<double>();
        for (int i = 0; i < 200; i++)
        {
            using var r = TransformTesting.Apply(t, image, index: i);
            double f = r[0, 0].R / 100.0;
            Assert.InRange(f, 0.5 - 0.01, 1.5 + 0.01);
            Assert.InRange(r[0, 0].G, (int)Math.Floor(60 * f - 1), (int)Math.Ceiling(60 * f + 1));
            factors.Add(f);
        }
        Assert.True(factors.Min() < 0.6 && factors.Max() > 1.4);
    }

    [Fact]
    public void Should_TurnRedIntoGreen_When_HueShiftsByAThird()
    {
        float r = 1, g = 0, b = 0;
        ColorJitter.ShiftHue(ref r, ref g, ref b, 1f / 3);
        Assert.Equal((0f, 1f, 0f), (MathF.Round(r, 5), MathF.Round(g, 5), MathF.Round(b, 5)));
    }

    [Fact]
    public void Should_LeaveGrayPixelsAlone_When_OnlySaturationAndHueJitter()
    {
        using var image = new Image<Rgb24>(3, 3, new Rgb24(90, 90, 90));
        using var result = TransformTesting.Apply(new ColorJitter(saturation: 0.9, hue: 0.5), image);
        Assert.Equal(new Rgb24(90, 90, 90), result[1, 1]);
    }

    [Fact]
    public void Should_PullTowardsTheMean_When_ContrastIsLowered()
    {
        using var image = new Image<L8>(2, 1);
        image[0, 0] = new L8(0);
        image[1, 0] = new L8(200);
        var result = (Image<L8>)new ColorJitter(contrast: 0.9).Apply(image.Clone(), TransformRandom.For(0, 0, 3, 0));
        using (result)
        {
            int spread = result[1, 0].PackedValue - result[0, 0].PackedValue;
            Assert.InRange(spread, 0, 380); // factor in [0.1, 1.9]
            Assert.InRange((result[0, 0].PackedValue + result[1, 0].PackedValue) / 2.0, 95, 105); // the mean stays
        }
    }

    [Fact]
    public void Should_KeepAlpha_When_JitteringAnRgbaImage()
    {
        using var image = new Image<Rgba32>(2, 2, new Rgba32(200, 100, 50, 77));
        using var result = (Image<Rgba32>)new ColorJitter(0.4, 0.4, 0.4, 0.2).Apply(image.Clone(), new TransformRandom(5));
        Assert.Equal(77, result[1, 1].A);
    }

    [Fact]
    public void Should_RejectAHueAboveHalf_When_Constructed()
    {
        Assert.Contains("Expected a value in [0, 0.5]. Received hue=0.6", Assert.Throws<ArgumentOutOfRangeException>(() => new ColorJitter(hue: 0.6)).Message);
    }
}
