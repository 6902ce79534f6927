using System.Text;

namespace Kernelwise.Data;

/// <summary>Which files an image folder reads, and how an unrecognised file is described.</summary>
internal static class ImageFormats
{
    /// <summary>Extensions read as images (case-insensitive): JPEG, PNG, BMP, GIF, WebP.</summary>
    public static readonly IReadOnlySet<string> Supported = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        ".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp",
    };

    /// <summary>Image extensions that are recognised but not supported: reported as bad files rather than ignored.</summary>
    public static readonly IReadOnlySet<string> Unsupported = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        ".tif", ".tiff", ".tga", ".pbm", ".pgm", ".ppm", ".pnm", ".ico", ".heic", ".heif", ".avif", ".jxl", ".jp2", ".j2k",
        ".psd", ".svg", ".exr", ".hdr", ".raw", ".cr2", ".nef", ".arw", ".dng",
    };

    public const string SupportedList = "JPEG, PNG, BMP, GIF or WebP";

    public static string UnsupportedExtension(string extension) =>
        $"'{extension}' images are not supported (expected {SupportedList}: {string.Join(", ", Supported.Order(StringComparer.Ordinal))})";

    /// <summary>Describes content no decoder recognised: text, a known unsupported format, or its first bytes.</summary>
    public static string DescribeUnknown(ReadOnlySpan<byte> head)
    {
        if (Starts(head, "II*\0"u8) || Starts(head, "MM\0*"u8)) return $"the content is a TIFF image, which is not supported (expected {SupportedList})";
        if (head.Length >= 12 && head.Slice(4, 4).SequenceEqual("ftyp"u8))
        {
            string brand = Encoding.ASCII.GetString(head.Slice(8, 4));
            return brand is "avif" or "avis" ? $"the content is an AVIF image, which is not supported (expected {SupportedList})"
                : brand.StartsWith("he", StringComparison.Ordinal) || brand is "mif1" or "msf1" ? $"the content is a HEIF/HEIC image, which is not supported (expected {SupportedList})"
                : $"the content is an ISO media file (brand '{brand}'), not an image";
        }
        if (Starts(head, "8BPS"u8)) return $"the content is a Photoshop document, which is not supported (expected {SupportedList})";
        if (Starts(head, "\0\0\u0001\0"u8)) return $"the content is a Windows icon, which is not supported (expected {SupportedList})";
        if (Starts(head, "%PDF"u8)) return "the content is a PDF document, not an image";
        if (Starts(head, "PK\u0003\u0004"u8)) return "the content is a ZIP archive, not an image";
        if (head.Length >= 2 && head[0] == 0x1F && head[1] == 0x8B) return "the content is gzip-compressed, not an image";
        if (LooksLikeText(head))
        {
            var text = Encoding.UTF8.GetString(head).TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
            if (text.StartsWith("<svg", StringComparison.OrdinalIgnoreCase) || (text.StartsWith("<?xml", StringComparison.OrdinalIgnoreCase) && text.Contains("<svg", StringComparison.OrdinalIgnoreCase)))
                return $"the content is an SVG drawing, which is not supported (expected {SupportedList})";
            return "the content is text, not an image (a text file with an image extension?)";
        }
        var hex = Convert.ToHexString(head[..Math.Min(8, head.Length)]);
        return $"the content is not a recognised image format (expected {SupportedList}); it starts with bytes {string.Join(" ", Enumerable.Range(0, hex.Length / 2).Select(i => hex.Substring(2 * i, 2)))}";
    }

    private static bool Starts(ReadOnlySpan<byte> data, ReadOnlySpan<byte> magic) => data.StartsWith(magic);

    /// <summary>True when the bytes are printable ASCII/UTF-8 text with line breaks and tabs only.</summary>
    private static bool LooksLikeText(ReadOnlySpan<byte> head)
    {
        if (head.IsEmpty) return false;
        foreach (byte b in head)
        {
            if (b == 0 || (b < 0x20 && b is not ((byte)'\t' or (byte)'\n' or (byte)'\r' or 0x0C)) || b == 0x7F) return false;
        }
        return true;
    }
}
