using Kernelwise.Data;

namespace Kernelwise.Benchmarks.Workloads;

/// <summary>
/// Real Fashion-MNIST (60,000 training and 10,000 test images, float32 [N, 1, 28, 28] in [0, 1], int64 labels), loaded
/// once per process through Kernelwise's loader (Debian's <c>dataset-fashion-mnist</c> files when installed).
/// </summary>
public static class FashionMnistData
{
    private static readonly Lazy<DatasetSplits> Splits = new(() => FashionMnist.Load(options: new DatasetOptions { Download = false }));

    /// <summary>The 60,000 training images.</summary>
    public static TensorDataset Train => Splits.Value.Train;

    /// <summary>The 10,000 test images.</summary>
    public static TensorDataset Test => Splits.Value.Test;

    /// <summary>Where the files came from.</summary>
    public static string Source => Splits.Value.SourceDirectory ?? "(unknown)";
}
