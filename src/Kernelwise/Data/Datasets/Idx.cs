using System.Buffers.Binary;
using System.IO.Compression;

namespace Kernelwise.Data.Datasets;

/// <summary>
/// Reader for the IDX format of MNIST and Fashion-MNIST: a big-endian header (magic 0x00000801 for labels,
/// 0x00000803 for images; the third byte is the element type, 0x08 = unsigned byte; the fourth the number of
/// dimensions), the dimension sizes, then the values. Gzip-compressed files are recognised by their magic bytes
/// (1f 8b), not by their extension.
/// </summary>
/// <remarks>Every malformed file is an <see cref="InvalidDataException"/> whose message names the file and the problem.</remarks>
public static class Idx
{
    /// <summary>Magic number of an unsigned-byte, one-dimensional IDX file (labels).</summary>
    public const int LabelMagic = 0x00000801;

    /// <summary>Magic number of an unsigned-byte, three-dimensional IDX file (images).</summary>
    public const int ImageMagic = 0x00000803;

    /// <summary>Images as raw bytes (row-major, count × rows × columns) with their dimensions.</summary>
    public readonly record struct ImageData(byte[] Pixels, int Count, int Rows, int Columns);

    /// <summary>Reads an idx3 image file (gzip or raw).</summary>
    public static ImageData ReadImages(string path)
    {
        var bytes = ReadAllDecompressed(path);
        var dims = ReadHeader(path, bytes, ImageMagic, "image");
        long expected = 16 + (long)dims[0] * dims[1] * dims[2];
        CheckLength(path, bytes, expected, $"{dims[0]} images of {dims[1]}×{dims[2]}");
        var pixels = new byte[expected - 16];
        Buffer.BlockCopy(bytes, 16, pixels, 0, pixels.Length);
        return new ImageData(pixels, dims[0], dims[1], dims[2]);
    }

    /// <summary>Reads an idx1 label file (gzip or raw).</summary>
    public static byte[] ReadLabels(string path)
    {
        var bytes = ReadAllDecompressed(path);
        var dims = ReadHeader(path, bytes, LabelMagic, "label");
        CheckLength(path, bytes, 8 + (long)dims[0], $"{dims[0]} labels");
        var labels = new byte[dims[0]];
        Buffer.BlockCopy(bytes, 8, labels, 0, labels.Length);
        return labels;
    }

    /// <summary>The file's bytes, decompressed when it starts with the gzip magic (1f 8b).</summary>
    public static byte[] ReadAllDecompressed(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"IDX file '{path}' does not exist.", path);
        var raw = File.ReadAllBytes(path);
        if (raw.Length >= 2 && raw[0] == 0x1f && raw[1] == 0x8b)
        {
            try
            {
                using var gz = new GZipStream(new MemoryStream(raw), CompressionMode.Decompress);
                using var output = new MemoryStream(raw.Length * 2);
                gz.CopyTo(output);
                return output.ToArray();
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"File '{path}' is not a valid gzip file (truncated or corrupt): {e.Message}", e);
            }
            catch (EndOfStreamException e)
            {
                throw new InvalidDataException($"File '{path}' is a truncated gzip file: {e.Message}", e);
            }
        }
        return raw;
    }

    private static int[] ReadHeader(string path, byte[] bytes, int magic, string kind)
    {
        if (bytes.Length < 4)
            throw new InvalidDataException($"File '{path}' is too short to be an IDX {kind} file: {bytes.Length} bytes, expected at least {(magic == ImageMagic ? 16 : 8)}.");
        int actual = BinaryPrimitives.ReadInt32BigEndian(bytes);
        if (actual != magic)
            throw new InvalidDataException($"File '{path}' is not an IDX {kind} file: magic number 0x{actual:X8}, expected 0x{magic:X8}.");
        int rank = magic & 0xFF;
        int headerLength = 4 + 4 * rank;
        if (bytes.Length < headerLength)
            throw new InvalidDataException($"File '{path}' is truncated: {bytes.Length} bytes, shorter than its {headerLength}-byte header.");
        var dims = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            dims[i] = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4 + 4 * i));
            if (dims[i] < 0 || (i > 0 && dims[i] == 0))
                throw new InvalidDataException($"File '{path}' declares an invalid size {dims[i]} for dimension {i}.");
        }
        return dims;
    }

    private static void CheckLength(string path, byte[] bytes, long expected, string what)
    {
        if (bytes.LongLength < expected)
            throw new InvalidDataException($"File '{path}' is truncated: its header declares {what} ({expected:N0} bytes) but it holds {bytes.LongLength:N0} bytes.");
        if (bytes.LongLength > expected)
            throw new InvalidDataException($"File '{path}' has {bytes.LongLength - expected:N0} unexpected bytes after the {what} its header declares.");
    }
}
