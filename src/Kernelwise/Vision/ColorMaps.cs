using SixLabors.ImageSharp.PixelFormats;

namespace Kernelwise.Vision;

/// <summary>The colour scales of the pictures: values in [0, 1] (or [−1, 1] for the diverging one) to RGB.</summary>
internal static class ColorMaps
{
    // Anchor colours of the perceptually uniform "viridis" scale (dark purple → blue → green → yellow), at 0, ¼, ½, ¾, 1.
    private static readonly (double R, double G, double B)[] ViridisAnchors =
    {
        (68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37),
    };

    /// <summary>Dark purple (0) through blue and green to yellow (1): feature maps, saliency.</summary>
    public static Rgb24 Viridis(double t)
    {
        t = Clamp01(t) * (ViridisAnchors.Length - 1);
        int i = Math.Min((int)t, ViridisAnchors.Length - 2);
        double f = t - i;
        var (a, b) = (ViridisAnchors[i], ViridisAnchors[i + 1]);
        return new Rgb24(Byte(a.R + f * (b.R - a.R)), Byte(a.G + f * (b.G - a.G)), Byte(a.B + f * (b.B - a.B)));
    }

    /// <summary>The "jet" scale of class-activation maps: blue (0), cyan, yellow, red (1).</summary>
    public static Rgb24 Jet(double t)
    {
        t = Clamp01(t);
        return new Rgb24(Byte(255 * Clamp01(1.5 - Math.Abs(4 * t - 3))), Byte(255 * Clamp01(1.5 - Math.Abs(4 * t - 2))), Byte(255 * Clamp01(1.5 - Math.Abs(4 * t - 1))));
    }

    /// <summary>Signed values in [−1, 1]: blue for negative, white for zero, red for positive (filter weights).</summary>
    public static Rgb24 Diverging(double t)
    {
        t = Math.Clamp(double.IsNaN(t) ? 0 : t, -1, 1);
        var (r, g, b) = t < 0 ? (33.0, 102.0, 172.0) : (178.0, 24.0, 43.0);
        double f = Math.Abs(t);
        return new Rgb24(Byte(255 + f * (r - 255)), Byte(255 + f * (g - 255)), Byte(255 + f * (b - 255)));
    }

    /// <summary>Grey levels, black (0) to white (1).</summary>
    public static Rgb24 Grey(double t)
    {
        byte v = Byte(255 * Clamp01(t));
        return new Rgb24(v, v, v);
    }

    /// <summary>(1 − α)·a + α·b, channel by channel.</summary>
    public static Rgb24 Blend(Rgb24 a, Rgb24 b, double alpha)
        => new(Byte(a.R + alpha * (b.R - a.R)), Byte(a.G + alpha * (b.G - a.G)), Byte(a.B + alpha * (b.B - a.B)));

    private static double Clamp01(double t) => double.IsNaN(t) ? 0 : Math.Clamp(t, 0, 1);

    private static byte Byte(double v) => (byte)Math.Clamp((int)Math.Round(v), 0, 255);
}
