using Kernelwise.Data.Datasets;

namespace Kernelwise.Tests.Data.Datasets;

/// <summary>A fact that needs the real Fashion-MNIST files (Debian's dataset-fashion-mnist, which .ci/run installs).</summary>
public sealed class FactRequiringFashionMnistAttribute : FactAttribute
{
    public const string Folder = "/usr/share/datasets/fashion-mnist";

    public FactRequiringFashionMnistAttribute()
    {
        if (!File.Exists(Path.Combine(Folder, "train-images-idx3-ubyte.gz")))
            Skip = $"Fashion-MNIST is not installed in {Folder} (apt-get install dataset-fashion-mnist).";
    }
}

public class FashionMnistTests
{
    [FactRequiringFashionMnist]
    public void Should_Load60000TrainingAnd10000TestImages_When_ReadFromTheSystemFolder()
    {
        using var data = FashionMnist.Load(FactRequiringFashionMnistAttribute.Folder);
        Assert.Equal(new long[] { 60000, 1, 28, 28 }, data.Train.Inputs.shape);
        Assert.Equal(new long[] { 10000, 1, 28, 28 }, data.Test.Inputs.shape);
        Assert.Equal(TorchSharp.torch.ScalarType.Float32, data.Train.Inputs.dtype);
        Assert.Equal(TorchSharp.torch.ScalarType.Int64, data.Test.Targets.dtype);
        Assert.Equal(0f, data.Train.Inputs.min().item<float>());
        Assert.Equal(1f, data.Train.Inputs.max().item<float>());
        using var counts = data.Test.Targets.bincount(null);
        Assert.Equal(Enumerable.Repeat(1000L, 10), counts.data<long>().ToArray()); // the test set is balanced
        Assert.Equal("Ankle boot", data.ClassNames[9]);
        Assert.Equal(9, data.Train.Targets[0].item<long>()); // the first training image is an ankle boot
    }

    [FactRequiringFashionMnist]
    public void Should_MatchTheChecksumsUsedForDownloads_When_ComparedWithTheSystemFiles()
    {
        foreach (var (stem, checksum) in FashionMnist.Definition.Files)
            Assert.Equal(checksum.Hex, checksum.Compute(Path.Combine(FactRequiringFashionMnistAttribute.Folder, stem + ".gz")));
    }
}
