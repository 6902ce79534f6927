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
    public void Should_BlendWithTheMeanByAFactorSpreadOverItsRange_When_ContrastJitters()
    {
        // Two pixels, 50 and 150: mean 100, so a contrast factor f maps them to 100 ∓ 50f — no clamping for f ≤ 1.9 —
        // and the spread 100f reads f back to within 0.01 (each pixel rounds to 8 bits once).
        using var image = new Image<L8>(2, 1);
        image[0, 0] = new L8(50);
        image[1, 0] = new L8(150);
        var jitter = new ColorJitter(contrast: 0.9);
        var factors = new List<double>();
        for (int i = 0; i < 300; i++)
        {
            var result = (Image<L8>)jitter.Apply(image.Clone(), TransformRandom.For(0, 0, i, 0));
            using (result)
            {
                int low = result[0, 0].PackedValue, high = result[1, 0].PackedValue;
                double f = (high - low) / 100.0;
                Assert.InRange(f, 0.1 - 0.01, 1.9 + 0.01);
                Assert.InRange(low + high, 199, 201); // the mean stays
                factors.Add(f);
            }
        }
        // Uniform over [0.1, 1.9]: both ends are reached and the factors are spread, not stuck at 1 (no change).
        Assert.True(factors.Min() < 0.3, $"smallest contrast factor {factors.Min()}");
        Assert.True(factors.Max() > 1.7, $"largest contrast factor {factors.Max()}");
        Assert.InRange(factors.Count(f => Math.Abs(f - 1) <= 0.01), 0, 10);
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
