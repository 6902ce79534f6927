using System.Buffers.Binary;

namespace Kernelwise.Data;

/// <summary>
/// Structural checks that find truncated files before decoding. ImageSharp fills the missing part of a truncated JPEG,
/// GIF, BMP or WebP with gray or black and reports no error, so without these checks a half-downloaded file would train
/// silently as a damaged image. Each check walks the container (markers, blocks, chunks, declared sizes), never the
/// compressed pixels, and costs one pass over the bytes at most.
/// </summary>
internal static class ImageIntegrity
{
    /// <summary>A reason when the file is truncated or structurally broken; null when it looks complete.</summary>
    /// <param name="data">The whole file.</param>
    /// <param name="format">ImageSharp's format name: PNG, JPEG, GIF, BMP or Webp.</param>
    public static string? FindDamage(ReadOnlySpan<byte> data, string format) => format.ToUpperInvariant() switch
    {
        "JPEG" => Jpeg(data),
        "PNG" => Png(data),
        "GIF" => Gif(data),
        "BMP" => Bmp(data),
        "WEBP" => Webp(data),
        _ => null,
    };

    private static string Truncated(string detail) => $"the file is truncated: {detail}";

    private static string? Jpeg(ReadOnlySpan<byte> d)
    {
        if (d.Length < 4 || d[0] != 0xFF || d[1] != 0xD8) return "corrupt JPEG: it does not start with the start-of-image marker FF D8";
        int p = 2;
        while (true)
        {
            // Next marker: FF (fill FFs) code.
            if (p >= d.Length) return Truncated($"the JPEG data ends at byte {d.Length} without the end-of-image marker FF D9");
            if (d[p] != 0xFF) return $"corrupt JPEG: expected a marker at byte {p}, found 0x{d[p]:X2}";
            while (p < d.Length && d[p] == 0xFF) p++;
            if (p >= d.Length) return Truncated($"the JPEG data ends at byte {d.Length} without the end-of-image marker FF D9");
            byte code = d[p++];
            if (code == 0xD9) return null; // EOI
            if (code is >= 0xD0 and <= 0xD7 or 0x01) continue; // standalone markers
            if (p + 2 > d.Length) return Truncated($"the JPEG segment FF {code:X2} at byte {p - 2} has no length");
            int length = BinaryPrimitives.ReadUInt16BigEndian(d.Slice(p));
            if (length < 2) return $"corrupt JPEG: the segment FF {code:X2} at byte {p - 2} declares length {length}";
            if (p + length > d.Length) return Truncated($"the JPEG segment FF {code:X2} at byte {p - 2} declares {length} bytes but the file ends at byte {d.Length}");
            p += length;
            if (code != 0xDA) continue;
            // Entropy-coded data after start-of-scan: ends at the first FF that is not stuffing (FF 00), fill (FF FF) or a restart marker.
            while (true)
            {
                int ff = d.Slice(p).IndexOf((byte)0xFF);
                if (ff < 0) return Truncated($"the JPEG scan data runs to the end of the file (byte {d.Length}) without the end-of-image marker FF D9");
                p += ff;
                int q = p + 1;
                while (q < d.Length && d[q] == 0xFF) q++;
                if (q >= d.Length) return Truncated($"the JPEG data ends at byte {d.Length} without the end-of-image marker FF D9");
                if (d[q] == 0x00 || d[q] is >= 0xD0 and <= 0xD7)
                {
                    p = q + 1;
                    continue;
                }
                p = q - 1; // at the last FF before the marker code
                break;
            }
        }
    }

    private static string? Png(ReadOnlySpan<byte> d)
    {
        int p = 8;
        while (true)
        {
            if (p + 8 > d.Length) return Truncated($"the PNG data ends at byte {d.Length} before its IEND chunk");
            long length = BinaryPrimitives.ReadUInt32BigEndian(d.Slice(p));
            var type = d.Slice(p + 4, 4);
            if (p + 12 + length > d.Length)
                return Truncated($"the PNG chunk '{System.Text.Encoding.ASCII.GetString(type)}' at byte {p} declares {length} bytes but the file ends at byte {d.Length}");
            if (type.SequenceEqual("IEND"u8)) return null;
            p += (int)(12 + length);
        }
    }

    private static string? Gif(ReadOnlySpan<byte> d)
    {
        if (d.Length < 13) return Truncated($"the GIF header needs 13 bytes, the file has {d.Length}");
        int p = 13;
        byte flags = d[10];
        if ((flags & 0x80) != 0) p += 3 << ((flags & 7) + 1);
        while (true)
        {
            if (p >= d.Length) return Truncated($"the GIF data ends at byte {d.Length} without its trailer (0x3B)");
            byte block = d[p++];
            switch (block)
            {
                case 0x3B:
                    return null;
                case 0x21: // extension: label, then sub-blocks
                    p++;
                    if (!SkipSubBlocks(d, ref p)) return Truncated($"a GIF extension block runs past the end of the file (byte {d.Length})");
                    break;
                case 0x2C: // image descriptor (9 bytes), optional local colour table, LZW code size, sub-blocks
                    if (p + 9 > d.Length) return Truncated($"a GIF image descriptor runs past the end of the file (byte {d.Length})");
                    byte local = d[p + 8];
                    p += 9;
                    if ((local & 0x80) != 0) p += 3 << ((local & 7) + 1);
                    p++; // LZW minimum code size
                    if (!SkipSubBlocks(d, ref p)) return Truncated($"the GIF image data runs past the end of the file (byte {d.Length})");
                    break;
                default:
                    return $"corrupt GIF: unexpected block 0x{block:X2} at byte {p - 1}";
            }
        }
    }

    private static bool SkipSubBlocks(ReadOnlySpan<byte> d, ref int p)
    {
        while (true)
        {
            if (p >= d.Length) return false;
            int size = d[p++];
            if (size == 0) return true;
            p += size;
        }
    }

    private static string? Bmp(ReadOnlySpan<byte> d)
    {
        if (d.Length < 26) return Truncated($"the BMP headers need at least 26 bytes, the file has {d.Length}");
        long declared = BinaryPrimitives.ReadUInt32LittleEndian(d.Slice(2));
        long offset = BinaryPrimitives.ReadUInt32LittleEndian(d.Slice(10));
        int header = BinaryPrimitives.ReadInt32LittleEndian(d.Slice(14));
        long width, height;
        int bits;
        uint compression = 0;
        if (header == 12)
        {
            width = BinaryPrimitives.ReadUInt16LittleEndian(d.Slice(18));
            height = BinaryPrimitives.ReadUInt16LittleEndian(d.Slice(20));
            bits = BinaryPrimitives.ReadUInt16LittleEndian(d.Slice(24));
        }
        else
        {
            if (d.Length < 34) return Truncated($"the BMP info header needs 34 bytes, the file has {d.Length}");
            width = BinaryPrimitives.ReadInt32LittleEndian(d.Slice(18));
            height = Math.Abs((long)BinaryPrimitives.ReadInt32LittleEndian(d.Slice(22)));
            bits = BinaryPrimitives.ReadUInt16LittleEndian(d.Slice(28));
            compression = BinaryPrimitives.ReadUInt32LittleEndian(d.Slice(30));
        }
        if (compression is 0 or 3 or 6 && bits is 1 or 2 or 4 or 8 or 16 or 24 or 32)
        {
            long stride = (width * bits + 31) / 32 * 4;
            long needed = offset + stride * height;
            if (d.Length < needed) return Truncated($"a {width}×{height} BMP with {bits} bits per pixel needs {needed} bytes, the file has {d.Length}");
        }
        else if (declared > 0 && d.Length < declared)
        {
            return Truncated($"the BMP header declares {declared} bytes, the file has {d.Length}");
        }
        return null;
    }

    private static string? Webp(ReadOnlySpan<byte> d)
    {
        if (d.Length < 12) return Truncated($"the WebP header needs 12 bytes, the file has {d.Length}");
        long declared = BinaryPrimitives.ReadUInt32LittleEndian(d.Slice(4)) + 8L;
        return d.Length < declared ? Truncated($"the WebP RIFF header declares {declared} bytes, the file has {d.Length}") : null;
    }
}
