using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Advanced;
using SixLabors.ImageSharp.PixelFormats;

namespace Kernelwise.Data;

/// <summary>
/// Pixel-level helpers shared by the transforms and the image datasets. Images in a pipeline have <c>L8</c>,
/// <c>Rgb24</c> or <c>Rgba32</c> pixels; any other pixel type is converted to <c>Rgba32</c> first.
/// </summary>
internal static class PixelOps
{
    /// <summary>ITU-R 601 luma weights (PIL's and torchvision's grayscale).</summary>
    public const float LumaR = 0.299f, LumaG = 0.587f, LumaB = 0.114f;

    /// <summary>Channels a pipeline image yields: 1 for L8, 3 for Rgb24, 4 otherwise.</summary>
    public static int Channels(Image image) => image switch
    {
        Image<L8> => 1,
        Image<Rgb24> => 3,
        _ => 4,
    };

    /// <summary>Converts to the colour mode's pixel type; returns the same image when it already has it (else a new one, and disposes nothing).</summary>
    public static Image ToColorMode(Image image, ColorMode mode) => mode switch
    {
        ColorMode.Grayscale => image is Image<L8> ? image : ToLuma(image),
        ColorMode.Rgb => image is Image<Rgb24> ? image : image.CloneAs<Rgb24>(),
        ColorMode.Rgba => image is Image<Rgba32> ? image : image.CloneAs<Rgba32>(),
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, $"Invalid value for argument colorMode. Expected Grayscale, Rgb or Rgba. Received colorMode={mode}."),
    };

    /// <summary>A new L8 image with ITU-R 601 luma (alpha dropped).</summary>
    public static Image<L8> ToLuma(Image image)
    {
        if (image is Image<L8> l8) return l8.Clone();
        if (image is Image<Rgb24> rgb) return Luma(rgb, p => (p.R, p.G, p.B));
        if (image is Image<Rgba32> rgba) return Luma(rgba, p => (p.R, p.G, p.B));
        using var converted = image.CloneAs<Rgba32>();
        return Luma(converted, p => (p.R, p.G, p.B));
    }

    private static Image<L8> Luma<T>(Image<T> source, Func<T, (byte R, byte G, byte B)> rgb) where T : unmanaged, IPixel<T>
    {
        var result = new Image<L8>(source.GetConfiguration(), source.Width, source.Height);
        for (int y = 0; y < source.Height; y++)
        {
            var src = source.DangerousGetPixelRowMemory(y).Span;
            var dst = result.DangerousGetPixelRowMemory(y).Span;
            for (int x = 0; x < src.Length; x++)
            {
                var (r, g, b) = rgb(src[x]);
                dst[x] = new L8(ToByte(LumaR * r + LumaG * g + LumaB * b));
            }
        }
        return result;
    }

    /// <summary>
    /// The part of <paramref name="image"/> inside <paramref name="rect"/> as a new image of the rectangle's size; the
    /// parts of the rectangle outside the image are filled with zeros (black, and transparent for RGBA) — torchvision's
    /// constant padding with fill 0.
    /// </summary>
    public static Image CropWithFill(Image image, Rectangle rect) => image switch
    {
        Image<L8> a => CropWithFill(a, rect),
        Image<Rgb24> b => CropWithFill(b, rect),
        Image<Rgba32> c => CropWithFill(c, rect),
        _ => CropConverted(image, rect),
    };

    private static Image CropConverted(Image image, Rectangle rect)
    {
        using var converted = image.CloneAs<Rgba32>();
        return CropWithFill(converted, rect);
    }

    private static Image<T> CropWithFill<T>(Image<T> source, Rectangle rect) where T : unmanaged, IPixel<T>
    {
        var result = new Image<T>(source.GetConfiguration(), rect.Width, rect.Height); // zero-initialised
        int x0 = Math.Max(rect.X, 0), x1 = Math.Min(rect.Right, source.Width);
        int y0 = Math.Max(rect.Y, 0), y1 = Math.Min(rect.Bottom, source.Height);
        if (x1 <= x0 || y1 <= y0) return result;
        for (int y = y0; y < y1; y++)
        {
            var src = source.DangerousGetPixelRowMemory(y).Span.Slice(x0, x1 - x0);
            src.CopyTo(result.DangerousGetPixelRowMemory(y - rect.Y).Span.Slice(x0 - rect.X));
        }
        return result;
    }

    /// <summary>Writes the image as float32 values in [0, 1], channel-major ([C, H, W]), into <paramref name="destination"/>.</summary>
    public static void WriteChw(Image image, Span<float> destination)
    {
        switch (image)
        {
            case Image<L8> l8: WriteL8(l8, destination); break;
            case Image<Rgb24> rgb: WriteRgb(rgb, destination); break;
            case Image<Rgba32> rgba: WriteRgba(rgba, destination); break;
            default:
                using (var converted = image.CloneAs<Rgba32>()) WriteRgba(converted, destination);
                break;
        }
    }

    private const float Scale = 1f / 255f;

    private static void WriteL8(Image<L8> image, Span<float> dst)
    {
        int w = image.Width;
        for (int y = 0; y < image.Height; y++)
        {
            var row = image.DangerousGetPixelRowMemory(y).Span;
            var d = dst.Slice(y * w, w);
            for (int x = 0; x < w; x++) d[x] = row[x].PackedValue * Scale;
        }
    }

    private static void WriteRgb(Image<Rgb24> image, Span<float> dst)
    {
        int w = image.Width, plane = w * image.Height;
        for (int y = 0; y < image.Height; y++)
        {
            var row = image.DangerousGetPixelRowMemory(y).Span;
            var r = dst.Slice(y * w, w);
            var g = dst.Slice(plane + y * w, w);
            var b = dst.Slice(2 * plane + y * w, w);
            for (int x = 0; x < w; x++)
            {
                var p = row[x];
                r[x] = p.R * Scale;
                g[x] = p.G * Scale;
                b[x] = p.B * Scale;
            }
        }
    }

    private static void WriteRgba(Image<Rgba32> image, Span<float> dst)
    {
        int w = image.Width, plane = w * image.Height;
        for (int y = 0; y < image.Height; y++)
        {
            var row = image.DangerousGetPixelRowMemory(y).Span;
            var r = dst.Slice(y * w, w);
            var g = dst.Slice(plane + y * w, w);
            var b = dst.Slice(2 * plane + y * w, w);
            var a = dst.Slice(3 * plane + y * w, w);
            for (int x = 0; x < w; x++)
            {
                var p = row[x];
                r[x] = p.R * Scale;
                g[x] = p.G * Scale;
                b[x] = p.B * Scale;
                a[x] = p.A * Scale;
            }
        }
    }

    /// <summary>Rounds and clamps a value in [0, 255] to a byte.</summary>
    public static byte ToByte(float v) => v <= 0 ? (byte)0 : v >= 255 ? (byte)255 : (byte)(v + 0.5f);
}
