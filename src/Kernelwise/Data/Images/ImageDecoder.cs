using System.Globalization;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.Metadata;

namespace Kernelwise.Data;

/// <summary>
/// Reads untrusted image files safely: size limits, header identification, a pixel-count limit enforced before any pixel
/// is decoded, truncation checks, then decoding — every failure reported as a reason naming what is wrong.
/// </summary>
/// <remarks>
/// The ImageSharp configuration knows only JPEG, PNG, BMP, GIF (first frame only) and WebP, runs single-threaded (the
/// data loader's workers are the parallelism) and caps any single buffer at a size derived from the pixel limit, a
/// second line of defence behind the header check.
/// </remarks>
internal sealed class ImageDecoder
{
    private const int HeadBytes = 64;

    public ImageDecoder(long maxPixels, long maxFileBytes)
    {
        MaxPixels = maxPixels;
        MaxFileBytes = maxFileBytes;
        Configuration = new Configuration(
            new JpegConfigurationModule(), new PngConfigurationModule(), new BmpConfigurationModule(),
            new GifConfigurationModule(), new WebpConfigurationModule())
        {
            MaxDegreeOfParallelism = 1,
            PreferContiguousImageBuffers = true,
            MemoryAllocator = MemoryAllocator.Create(new MemoryAllocatorOptions
            {
                // 16 bytes per pixel covers the widest intermediate buffers (Vector4 rows); at least 64 MB.
                AllocationLimitMegabytes = (int)Math.Clamp(maxPixels * 16 / (1024 * 1024), 64, int.MaxValue),
            }),
        };
        Configuration.ImageFormatsManager.SetDecoder(GifFormat.Instance, new GifDecoder { DecodingMode = FrameDecodingMode.First });
    }

    public long MaxPixels { get; }

    public long MaxFileBytes { get; }

    public Configuration Configuration { get; }

    /// <summary>The cheap check done when a dataset is created: file size, header and dimensions. Null when the file looks usable.</summary>
    public string? Check(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 4096);
            if (SizeProblem(stream.Length) is { } size) return size;
            Span<byte> head = stackalloc byte[HeadBytes];
            int n = stream.ReadAtLeast(head, HeadBytes, throwOnEndOfStream: false);
            stream.Position = 0;
            return Identify(stream, head[..n], out _);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"the file cannot be read ({e.Message})";
        }
    }

    /// <summary>Reads, checks and decodes the file into an image of <paramref name="mode"/>'s pixel type; throws <see cref="ImageFileException"/>.</summary>
    public Image Decode(string path, ColorMode mode)
    {
        byte[] data;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists) throw new ImageFileException(path, "the file no longer exists");
            if (SizeProblem(info.Length) is { } size) throw new ImageFileException(path, size);
            data = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && e is not ImageFileException)
        {
            throw new ImageFileException(path, $"the file cannot be read ({e.Message})", e);
        }
        return Decode(data, path, mode);
    }

    /// <summary>Checks and decodes file content already in memory; <paramref name="path"/> names it in errors.</summary>
    public Image Decode(byte[] data, string path, ColorMode mode)
    {
        if (SizeProblem(data.LongLength) is { } size) throw new ImageFileException(path, size);
        // Truncation first (by the magic bytes): a cut file often also fails identification, with a less telling message.
        if (Image.DetectFormat(Configuration, data) is { } detected && ImageIntegrity.FindDamage(data, detected.Name) is { } damage)
            throw new ImageFileException(path, damage);
        using var stream = new MemoryStream(data, writable: false);
        if (Identify(stream, data.AsSpan(0, Math.Min(HeadBytes, data.Length)), out var format) is { } problem) throw new ImageFileException(path, problem);
        stream.Position = 0;
        Image image;
        try
        {
            image = Image.Load(Configuration, stream);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new ImageFileException(path, $"corrupt {format!.Name} data ({e.Message.TrimEnd('.')})", e);
        }
        try
        {
            var converted = PixelOps.ToColorMode(image, mode);
            if (!ReferenceEquals(converted, image)) image.Dispose();
            return converted;
        }
        catch
        {
            image.Dispose();
            throw;
        }
    }

    private string? SizeProblem(long length)
    {
        if (length == 0) return "the file is empty (0 bytes)";
        if (length > MaxFileBytes)
            return string.Create(CultureInfo.InvariantCulture, $"the file has {length:N0} bytes, above the limit of {MaxFileBytes:N0} (ImageFolderOptions.MaxFileBytes)");
        return null;
    }

    private string? Identify(Stream stream, ReadOnlySpan<byte> head, out IImageFormat? format)
    {
        IImageInfo? info;
        try
        {
            info = Image.Identify(Configuration, stream, out format);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            format = null;
            return $"corrupt image header ({e.Message.TrimEnd('.')})";
        }
        if (info is null || format is null) return ImageFormats.DescribeUnknown(head);
        if (info.Width < 1 || info.Height < 1) return $"the {format.Name} header declares an empty image ({info.Width}×{info.Height})";
        long pixels = (long)info.Width * info.Height;
        if (pixels > MaxPixels)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"the {format.Name} header declares {info.Width}×{info.Height} = {pixels:N0} pixels, above the limit of {MaxPixels:N0} (ImageFolderOptions.MaxPixels); refused before decoding (a decompression bomb?)");
        }
        return null;
    }
}
