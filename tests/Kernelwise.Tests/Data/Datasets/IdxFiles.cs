using System.Buffers.Binary;
using System.IO.Compression;

namespace Kernelwise.Tests.Data.Datasets;

/// <summary>Builds small IDX files (optionally gzip-compressed) and whole MNIST-layout folders for tests.</summary>
internal static class IdxFiles
{
    public const string TrainImages = "train-images-idx3-ubyte";
    public const string TrainLabels = "train-labels-idx1-ubyte";
    public const string TestImages = "t10k-images-idx3-ubyte";
    public const string TestLabels = "t10k-labels-idx1-ubyte";

    /// <summary>An IDX header: the magic number then one big-endian size per dimension.</summary>
    public static byte[] Header(int magic, params int[] sizes)
    {
        var header = new byte[4 + 4 * sizes.Length];
        BinaryPrimitives.WriteInt32BigEndian(header, magic);
        for (int i = 0; i < sizes.Length; i++) BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 + 4 * i), sizes[i]);
        return header;
    }

    /// <summary>Pixel i of the file is (i * 37 + seed) mod 256, so every byte value occurs and files differ by seed.</summary>
    public static byte[] Pixels(int count, int rows, int columns, int seed = 0) =>
        Enumerable.Range(0, count * rows * columns).Select(i => (byte)((i * 37 + seed) % 256)).ToArray();

    public static byte[] Images(int count, int rows, int columns, int seed = 0) =>
        [.. Header(0x00000803, count, rows, columns), .. Pixels(count, rows, columns, seed)];

    public static byte[] Labels(params byte[] labels) => [.. Header(0x00000801, labels.Length), .. labels];

    public static byte[] Gzip(byte[] content)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest)) gzip.Write(content);
        return output.ToArray();
    }

    public static string Write(string path, byte[] content, bool gzip = false)
    {
        File.WriteAllBytes(path, gzip ? Gzip(content) : content);
        return path;
    }

    /// <summary>
    /// Writes the four files of a 28×28 dataset with <paramref name="train"/> and <paramref name="test"/> samples
    /// (labels i mod 10) into <paramref name="folder"/>; returns the file contents by file name.
    /// </summary>
    public static Dictionary<string, byte[]> WriteDataset(string folder, int train, int test, bool gzip = true, string suffix = "")
    {
        Directory.CreateDirectory(folder);
        var files = new Dictionary<string, byte[]>
        {
            [TrainImages] = Images(train, 28, 28, seed: train),
            [TrainLabels] = Labels(Enumerable.Range(0, train).Select(i => (byte)(i % 10)).ToArray()),
            [TestImages] = Images(test, 28, 28, seed: test),
            [TestLabels] = Labels(Enumerable.Range(0, test).Select(i => (byte)(i % 10)).ToArray()),
        };
        var written = new Dictionary<string, byte[]>();
        foreach (var (name, content) in files)
        {
            string fileName = name + suffix + (gzip ? ".gz" : "");
            byte[] bytes = gzip ? Gzip(content) : content;
            File.WriteAllBytes(Path.Combine(folder, fileName), bytes);
            written[fileName] = bytes;
        }
        return written;
    }
}
