using System.Buffers.Binary;
using System.IO.Compression;
using Kernelwise.Data;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Zoo;

/// <summary>Reads the first images of the installed Fashion-MNIST (IDX, gzip) for training tests.</summary>
internal static class FashionMnistSubset
{
    public const string Folder = "/usr/share/datasets/fashion-mnist";

    /// <summary>The first <paramref name="count"/> images [N, 1, 28, 28], scaled to [0, 1] then standardised (mean 0.286, std 0.353), with int64 labels.</summary>
    public static TensorDataset Load(bool train, int count)
    {
        string prefix = train ? "train" : "t10k";
        var images = Read(Path.Combine(Folder, $"{prefix}-images-idx3-ubyte.gz"), 0x0803, count, out var dims);
        var labels = Read(Path.Combine(Folder, $"{prefix}-labels-idx1-ubyte.gz"), 0x0801, count, out _);
        int pixels = dims[1] * dims[2];
        var x = new float[count * pixels];
        for (int i = 0; i < x.Length; i++) x[i] = (images[i] / 255f - 0.286f) / 0.353f;
        var y = labels.Select(b => (long)b).ToArray();
        return new TensorDataset(tensor(x, new long[] { count, 1, dims[1], dims[2] }), tensor(y));
    }

    private static byte[] Read(string path, int magic, int count, out int[] dims)
    {
        using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        Span<byte> word = stackalloc byte[4];
        gz.ReadExactly(word);
        int found = BinaryPrimitives.ReadInt32BigEndian(word);
        if (found != magic) throw new InvalidDataException($"'{path}' has IDX magic 0x{found:x8}; expected 0x{magic:x8}.");
        dims = new int[magic & 0xff];
        for (int i = 0; i < dims.Length; i++)
        {
            gz.ReadExactly(word);
            dims[i] = BinaryPrimitives.ReadInt32BigEndian(word);
        }
        if (count > dims[0]) throw new ArgumentOutOfRangeException(nameof(count), $"'{path}' holds {dims[0]} items; {count} were requested.");
        int itemSize = dims.Skip(1).Aggregate(1, (a, d) => a * d);
        var data = new byte[count * itemSize];
        gz.ReadExactly(data);
        return data;
    }
}
