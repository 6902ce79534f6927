using System.IO.Compression;
using Kernelwise.Data;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Explicit;

/// <summary>
/// The first images of Fashion-MNIST's IDX files (Debian's <c>dataset-fashion-mnist</c> package), as a dataset of
/// [N, 1, 28, 28] float32 in [0, 1] and int64 labels. A minimal reader for tests: big-endian headers of 16 bytes
/// (magic 2051, count, rows, columns) for images and 8 bytes (magic 2049, count) for labels, gzip-compressed.
/// </summary>
internal static class FashionMnistSubset
{
    public const string Folder = "/usr/share/datasets/fashion-mnist";

    /// <summary>The first <paramref name="count"/> samples of <paramref name="split"/> ("train" or "t10k").</summary>
    public static TensorDataset Load(string split, int count)
    {
        string images = Path.Combine(Folder, $"{split}-images-idx3-ubyte.gz");
        string labels = Path.Combine(Folder, $"{split}-labels-idx1-ubyte.gz");
        if (!File.Exists(images) || !File.Exists(labels))
        {
            throw new FileNotFoundException(
                $"Fashion-MNIST file '{images}' or '{labels}' is missing: install Debian's dataset-fashion-mnist package (apt-get install -y dataset-fashion-mnist).");
        }
        byte[] pixels = Read(images, 2051, 16, count, out int available, rows: 28);
        byte[] classes = Read(labels, 2049, 8, count, out _, rows: 0);
        count = Math.Min(count, available);
        var x = new float[count * 28 * 28];
        for (int i = 0; i < x.Length; i++) x[i] = pixels[i] / 255f;
        var y = new long[count];
        for (int i = 0; i < count; i++) y[i] = classes[i];
        return new TensorDataset(tensor(x, new long[] { count, 1, 28, 28 }), tensor(y));
    }

    private static byte[] Read(string path, int magic, int headerBytes, int count, out int available, int rows)
    {
        using var stream = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        var header = new byte[headerBytes];
        stream.ReadExactly(header);
        int BigEndian(int offset) => (header[offset] << 24) | (header[offset + 1] << 16) | (header[offset + 2] << 8) | header[offset + 3];
        if (BigEndian(0) != magic) throw new InvalidDataException($"'{path}' is not an IDX file: magic {BigEndian(0)}, expected {magic}.");
        available = BigEndian(4);
        if (rows > 0 && (BigEndian(8) != rows || BigEndian(12) != rows))
            throw new InvalidDataException($"'{path}' holds {BigEndian(8)}×{BigEndian(12)} images; expected {rows}×{rows}.");
        int n = Math.Min(count, available);
        var data = new byte[n * (rows > 0 ? rows * rows : 1)];
        stream.ReadExactly(data);
        return data;
    }
}
