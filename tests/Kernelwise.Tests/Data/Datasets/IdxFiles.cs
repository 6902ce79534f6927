using System.Buffers.Binary;
using System.IO.Compression;

namespace Kernelwise.Tests.Data.Datasets;

/// <summary>Writes small IDX files for tests.</summary>
internal static class IdxFiles
{
    public static byte[] Images(int count, int rows, int cols, int magic = 0x00000803, Func<int, byte>? pixel = null)
    {
        var b = new byte[16 + count * rows * cols];
        BinaryPrimitives.WriteInt32BigEndian(b, magic);
        BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(12), cols);
        for (int i = 16; i < b.Length; i++) b[i] = pixel?.Invoke(i - 16) ?? (byte)((i * 7) % 256);
        return b;
    }

    public static byte[] Labels(params byte[] labels)
    {
        var b = new byte[8 + labels.Length];
        BinaryPrimitives.WriteInt32BigEndian(b, 0x00000801);
        BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(4), labels.Length);
        labels.CopyTo(b, 8);
        return b;
    }

    public static byte[] Gzip(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(data);
        return ms.ToArray();
    }

    /// <summary>Writes a complete four-file set (2 classes) into <paramref name="folder"/>.</summary>
    public static void WriteSet(string folder, int train = 6, int test = 4, bool gzip = true)
    {
        Directory.CreateDirectory(folder);
        void Write(string stem, byte[] data) => File.WriteAllBytes(Path.Combine(folder, stem + (gzip ? ".gz" : "")), gzip ? Gzip(data) : data);
        Write("train-images-idx3-ubyte", Images(train, 28, 28));
        Write("train-labels-idx1-ubyte", Labels(Enumerable.Range(0, train).Select(i => (byte)(i % 2)).ToArray()));
        Write("t10k-images-idx3-ubyte", Images(test, 28, 28));
        Write("t10k-labels-idx1-ubyte", Labels(Enumerable.Range(0, test).Select(i => (byte)(i % 2)).ToArray()));
    }
}
