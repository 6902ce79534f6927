using System.Buffers.Binary;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.PixelFormats;

namespace Kernelwise.Tests.Data;

/// <summary>Generated test images: deterministic pixel patterns written in any supported format, and broken files of every kind.</summary>
internal static class GeneratedImages
{
    /// <summary>An RGB image whose pixel (x, y) is (x·7 + seed, y·11 + seed, (x + y)·3 + seed) mod 256.</summary>
    public static Image<Rgb24> Pattern(int width, int height, int seed = 0)
    {
        var image = new Image<Rgb24>(width, height);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                image[x, y] = new Rgb24((byte)(x * 7 + seed), (byte)(y * 11 + seed), (byte)((x + y) * 3 + seed));
        return image;
    }

    /// <summary>Pattern as a grayscale image.</summary>
    public static Image<L8> GrayPattern(int width, int height, int seed = 0)
    {
        var image = new Image<L8>(width, height);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                image[x, y] = new L8((byte)(x * 9 + y * 5 + seed));
        return image;
    }

    /// <summary>Pattern with a varying alpha channel.</summary>
    public static Image<Rgba32> RgbaPattern(int width, int height, int seed = 0)
    {
        var image = new Image<Rgba32>(width, height);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                image[x, y] = new Rgba32((byte)(x * 7 + seed), (byte)(y * 11 + seed), (byte)((x + y) * 3 + seed), (byte)(255 - x * 4));
        return image;
    }

    public static IImageEncoder EncoderFor(string path) => System.IO.Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".png" => new PngEncoder(),
        ".jpg" or ".jpeg" => new JpegEncoder { Quality = 95 },
        ".bmp" => new BmpEncoder(),
        ".gif" => new GifEncoder(),
        ".webp" => new WebpEncoder { FileFormat = WebpFileFormatType.Lossless },
        var e => throw new ArgumentException($"No encoder for {e}"),
    };

    public static void Save(Image image, string path)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        image.Save(path, EncoderFor(path));
    }

    public static byte[] Encode(Image image, string extension)
    {
        using var ms = new MemoryStream();
        image.Save(ms, EncoderFor("x" + extension));
        return ms.ToArray();
    }

    /// <summary>Writes a folder root/class/name.ext with <paramref name="perClass"/> pattern images per class.</summary>
    public static void WriteFolder(string root, string[] classes, int perClass, int width = 12, int height = 10, string extension = ".png")
    {
        for (int c = 0; c < classes.Length; c++)
        {
            for (int i = 0; i < perClass; i++)
            {
                using var image = Pattern(width, height, seed: c * 50 + i);
                Save(image, System.IO.Path.Combine(root, classes[c], $"img_{i:D3}{extension}"));
            }
        }
    }

    /// <summary>A PNG whose IHDR declares <paramref name="width"/> × <paramref name="height"/> (with a valid CRC) but holds almost no data.</summary>
    public static byte[] PngBomb(int width, int height)
    {
        using var small = Pattern(4, 4);
        var png = Encode(small, ".png");
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), width);
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), height);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(29), Crc32(png.AsSpan(12, 17)));
        return png;
    }

    /// <summary>A GIF whose logical screen and single frame are 65535 × 65535 (4.3 billion pixels) in a few dozen bytes.</summary>
    public static byte[] GifBomb()
    {
        var gif = new List<byte>();
        gif.AddRange("GIF89a"u8.ToArray());
        gif.AddRange(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x80, 0, 0 }); // 65535×65535, global table of 2 colours
        gif.AddRange(new byte[] { 0, 0, 0, 255, 255, 255 });
        gif.AddRange(new byte[] { 0x2C, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0 });
        gif.AddRange(new byte[] { 2, 2, 0x4C, 0x01, 0 }); // LZW code size 2, one tiny sub-block
        gif.Add(0x3B);
        return gif.ToArray();
    }

    /// <summary>PNG's CRC-32 (ISO-HDLC).</summary>
    public static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }

    /// <summary>The broken files every image dataset must survive, by name → content (extension decides the claimed type).</summary>
    public static IReadOnlyDictionary<string, byte[]> BrokenCorpus()
    {
        using var big = Pattern(64, 48, seed: 3);
        var jpeg = Encode(big, ".jpg");
        var png = Encode(big, ".png");
        var gif = Encode(big, ".gif");
        var bmp = Encode(big, ".bmp");
        var webp = Encode(big, ".webp");
        var corruptPng = (byte[])png.Clone();
        for (int i = png.Length / 2; i < png.Length / 2 + 16; i++) corruptPng[i] ^= 0x5A;
        var corruptJpeg = (byte[])jpeg.Clone();
        for (int i = jpeg.Length / 3; i < jpeg.Length; i += 7) corruptJpeg[i] ^= 0xA5;
        var tiff = new byte[] { (byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0, 0, 0 };
        return new Dictionary<string, byte[]>
        {
            ["zero_bytes.png"] = Array.Empty<byte>(),
            ["truncated.jpg"] = jpeg[..(jpeg.Length * 6 / 10)],
            ["truncated_header.jpg"] = jpeg[..40],
            ["truncated.png"] = png[..(png.Length * 7 / 10)],
            ["truncated.gif"] = gif[..(gif.Length / 2)],
            ["truncated.bmp"] = bmp[..(bmp.Length / 2)],
            ["truncated.webp"] = webp[..(webp.Length / 2)],
            ["corrupt.png"] = corruptPng,
            ["corrupt.jpg"] = corruptJpeg,
            ["text.jpg"] = "This is a text file, not a picture.\nSecond line.\n"u8.ToArray(),
            ["random_bytes.png"] = Enumerable.Range(0, 300).Select(i => (byte)(i * 37 + 11)).ToArray(),
            ["tiff_content.png"] = tiff,
            ["unsupported.tiff"] = tiff,
            ["bomb.png"] = PngBomb(100_000, 100_000),
            ["bomb.gif"] = GifBomb(),
        };
    }
}
