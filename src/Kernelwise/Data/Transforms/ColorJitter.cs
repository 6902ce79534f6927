using System.Globalization;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Advanced;
using SixLabors.ImageSharp.PixelFormats;

namespace Kernelwise.Data;

/// <summary>
/// Randomly changes brightness, contrast, saturation and hue — torchvision's <c>ColorJitter</c>. Each factor is drawn
/// uniformly: brightness, contrast and saturation in [max(0, 1 − v), 1 + v], hue in [−v, v] (a fraction of the colour
/// wheel, at most 0.5); the four adjustments are applied in a random order, as torchvision does.
/// </summary>
/// <remarks>
/// Brightness scales the pixels; contrast blends with the image's mean gray level; saturation blends with each pixel's
/// gray level (ITU-R 601 luma); hue rotates the HSV hue. Values are clamped to [0, 1] after each adjustment and rounded
/// to 8 bits once at the end. Grayscale images get brightness and contrast only; alpha is kept.
/// </remarks>
public sealed class ColorJitter : ImageTransform
{
    /// <summary>Creates the transform; 0 leaves that property unchanged.</summary>
    /// <param name="brightness">Brightness jitter v ≥ 0: factor in [max(0, 1 − v), 1 + v].</param>
    /// <param name="contrast">Contrast jitter v ≥ 0.</param>
    /// <param name="saturation">Saturation jitter v ≥ 0.</param>
    /// <param name="hue">Hue jitter in [0, 0.5]: shift in [−hue, hue] turns of the colour wheel.</param>
    public ColorJitter(double brightness = 0, double contrast = 0, double saturation = 0, double hue = 0)
    {
        Brightness = Guard.NonNegative(brightness);
        Contrast = Guard.NonNegative(contrast);
        Saturation = Guard.NonNegative(saturation);
        Hue = Guard.InRange(hue, 0, 0.5, maxInclusive: true);
    }

    /// <summary>Brightness jitter.</summary>
    public double Brightness { get; }

    /// <summary>Contrast jitter.</summary>
    public double Contrast { get; }

    /// <summary>Saturation jitter.</summary>
    public double Saturation { get; }

    /// <summary>Hue jitter.</summary>
    public double Hue { get; }

    /// <inheritdoc />
    public override bool IsRandom => Brightness > 0 || Contrast > 0 || Saturation > 0 || Hue > 0;

    /// <inheritdoc />
    public override Image Apply(Image image, TransformRandom random)
    {
        Span<int> order = stackalloc int[] { 0, 1, 2, 3 };
        random.Shuffle(order);
        float b = Factor(Brightness, random), c = Factor(Contrast, random), s = Factor(Saturation, random);
        float h = Hue > 0 ? (float)random.Uniform(-Hue, Hue) : 0f;
        if (b == 1 && c == 1 && s == 1 && h == 0) return image;
        if (image is Image<L8> or Image<Rgb24> or Image<Rgba32>)
        {
            Adjust(image, order, b, c, s, h);
            return image;
        }
        var converted = image.CloneAs<Rgba32>();
        Adjust(converted, order, b, c, s, h);
        return converted;
    }

    private static float Factor(double v, TransformRandom random) => v > 0 ? (float)random.Uniform(Math.Max(0, 1 - v), 1 + v) : 1f;

    private static void Adjust(Image image, ReadOnlySpan<int> order, float brightness, float contrast, float saturation, float hue)
    {
        int channels = PixelOps.Channels(image);
        int color = Math.Min(channels, 3);
        int n = image.Width * image.Height;
        var v = new float[n * color]; // pixel-interleaved working copy in [0, 1]
        var alpha = channels == 4 ? new byte[n] : null;
        Read(image, v, alpha);
        foreach (int op in order)
        {
            switch (op)
            {
                case 0 when brightness != 1:
                    for (int i = 0; i < v.Length; i++) v[i] = Clamp(v[i] * brightness);
                    break;
                case 1 when contrast != 1:
                    {
                        double sum = 0;
                        if (color == 1) foreach (var x in v) sum += x;
                        else for (int i = 0; i < v.Length; i += 3) sum += PixelOps.LumaR * v[i] + PixelOps.LumaG * v[i + 1] + PixelOps.LumaB * v[i + 2];
                        float mean = (float)(sum / n);
                        for (int i = 0; i < v.Length; i++) v[i] = Clamp(contrast * v[i] + (1 - contrast) * mean);
                        break;
                    }
                case 2 when saturation != 1 && color == 3:
                    for (int i = 0; i < v.Length; i += 3)
                    {
                        float gray = PixelOps.LumaR * v[i] + PixelOps.LumaG * v[i + 1] + PixelOps.LumaB * v[i + 2];
                        v[i] = Clamp(saturation * v[i] + (1 - saturation) * gray);
                        v[i + 1] = Clamp(saturation * v[i + 1] + (1 - saturation) * gray);
                        v[i + 2] = Clamp(saturation * v[i + 2] + (1 - saturation) * gray);
                    }
                    break;
                case 3 when hue != 0 && color == 3:
                    for (int i = 0; i < v.Length; i += 3) ShiftHue(ref v[i], ref v[i + 1], ref v[i + 2], hue);
                    break;
            }
        }
        Write(image, v, alpha);
    }

    private static float Clamp(float x) => x < 0 ? 0 : x > 1 ? 1 : x;

    /// <summary>RGB → HSV, hue += shift (mod 1), → RGB.</summary>
    internal static void ShiftHue(ref float r, ref float g, ref float b, float shift)
    {
        float max = Math.Max(r, Math.Max(g, b)), min = Math.Min(r, Math.Min(g, b));
        float delta = max - min;
        if (delta <= 0) return; // gray: hue undefined, nothing to turn
        float h;
        if (max == r) h = (g - b) / delta / 6f;
        else if (max == g) h = ((b - r) / delta + 2f) / 6f;
        else h = ((r - g) / delta + 4f) / 6f;
        h += shift;
        h -= MathF.Floor(h);
        float s = delta / max, v = max;
        float h6 = h * 6f;
        int sector = (int)h6 % 6;
        float f = h6 - MathF.Floor(h6);
        float p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f));
        (r, g, b) = sector switch
        {
            0 => (v, t, p),
            1 => (q, v, p),
            2 => (p, v, t),
            3 => (p, q, v),
            4 => (t, p, v),
            _ => (v, p, q),
        };
    }

    private static void Read(Image image, float[] v, byte[]? alpha)
    {
        const float scale = 1f / 255f;
        int w = image.Width;
        for (int y = 0; y < image.Height; y++)
        {
            switch (image)
            {
                case Image<L8> l8:
                    {
                        var row = l8.DangerousGetPixelRowMemory(y).Span;
                        for (int x = 0; x < w; x++) v[y * w + x] = row[x].PackedValue * scale;
                        break;
                    }
                case Image<Rgb24> rgb:
                    {
                        var row = rgb.DangerousGetPixelRowMemory(y).Span;
                        for (int x = 0; x < w; x++)
                        {
                            int i = 3 * (y * w + x);
                            v[i] = row[x].R * scale; v[i + 1] = row[x].G * scale; v[i + 2] = row[x].B * scale;
                        }
                        break;
                    }
                case Image<Rgba32> rgba:
                    {
                        var row = rgba.DangerousGetPixelRowMemory(y).Span;
                        for (int x = 0; x < w; x++)
                        {
                            int i = 3 * (y * w + x);
                            v[i] = row[x].R * scale; v[i + 1] = row[x].G * scale; v[i + 2] = row[x].B * scale;
                            alpha![y * w + x] = row[x].A;
                        }
                        break;
                    }
            }
        }
    }

    private static void Write(Image image, float[] v, byte[]? alpha)
    {
        int w = image.Width;
        for (int y = 0; y < image.Height; y++)
        {
            switch (image)
            {
                case Image<L8> l8:
                    {
                        var row = l8.DangerousGetPixelRowMemory(y).Span;
                        for (int x = 0; x < w; x++) row[x] = new L8(PixelOps.ToByte(v[y * w + x] * 255f));
                        break;
                    }
                case Image<Rgb24> rgb:
                    {
                        var row = rgb.DangerousGetPixelRowMemory(y).Span;
                        for (int x = 0; x < w; x++)
                        {
                            int i = 3 * (y * w + x);
                            row[x] = new Rgb24(PixelOps.ToByte(v[i] * 255f), PixelOps.ToByte(v[i + 1] * 255f), PixelOps.ToByte(v[i + 2] * 255f));
                        }
                        break;
                    }
                case Image<Rgba32> rgba:
                    {
                        var row = rgba.DangerousGetPixelRowMemory(y).Span;
                        for (int x = 0; x < w; x++)
                        {
                            int i = 3 * (y * w + x);
                            row[x] = new Rgba32(PixelOps.ToByte(v[i] * 255f), PixelOps.ToByte(v[i + 1] * 255f), PixelOps.ToByte(v[i + 2] * 255f), alpha![y * w + x]);
                        }
                        break;
                    }
            }
        }
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"ColorJitter(brightness={Brightness}, contrast={Contrast}, saturation={Saturation}, hue={Hue})");
}
