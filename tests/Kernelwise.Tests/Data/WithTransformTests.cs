using Kernelwise.Data;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Data;

/// <summary>
/// <see cref="Dataset.WithTransform"/> has one meaning for every kind of dataset: the transform applies to the samples
/// as their source holds them and replaces any transform attached before.
/// </summary>
public class WithTransformTests
{
    // Deterministic steps, so expected batches are plain tensor flips of the untransformed images.
    private static readonly TransformPipeline Before = new TransformPipeline().RandomVerticalFlip(1);
    private static readonly TransformPipeline Mirror = new TransformPipeline().RandomHorizontalFlip(1);

    public static TheoryData<string> Kinds() => new()
    {
        "tensors", "transformed tensors", "subset of transformed tensors", "concatenation with a transformed part",
        "image folder with a transform", "split of an image folder with a transform", "transformed image folder",
    };

    /// <summary>A dataset of kind <paramref name="kind"/> (most already transformed) and the same samples untransformed.</summary>
    private static (Dataset Dataset, Dataset Untransformed) Make(string kind, TensorDataset tensors, string folderPath)
    {
        var folder = new ImageFolder(folderPath, new ImageFolderOptions { Transform = Before });
        var plainFolder = new ImageFolder(folderPath);
        return kind switch
        {
            "tensors" => (tensors, tensors),
            "transformed tensors" => (tensors.WithTransform(Before), tensors),
            "subset of transformed tensors" => (tensors.WithTransform(Before).Subset(new long[] { 3, 0, 2 }), tensors.Subset(new long[] { 3, 0, 2 })),
            "concatenation with a transformed part" => (tensors.WithTransform(Before).Concat(tensors), tensors.Concat(tensors)),
            "image folder with a transform" => (folder, plainFolder),
            "split of an image folder with a transform" => (folder.RandomSplit(new long[] { 4, 2 }, seed: 1)[1], plainFolder.RandomSplit(new long[] { 4, 2 }, seed: 1)[1]),
            "transformed image folder" => (new TransformDataset(folder, Before), plainFolder),
            _ => throw new ArgumentException(kind),
        };
    }

    private static Tensor All(Dataset data)
    {
        using var batch = data.GetBatch(Enumerable.Range(0, (int)data.Count).Select(i => (long)i).ToArray());
        return batch.Inputs.clone();
    }

    // Within float rounding: in-memory images go through 8 bits and back (k / 255 either way).
    private static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.allclose(b, rtol: 0, atol: 1e-6);

    private static TensorDataset Images()
    {
        var values = arange(4 * 3 * 5 * 6, dtype: ScalarType.Float32).mul(7).remainder(256).div(255);
        return new TensorDataset(values.reshape(4, 3, 5, 6), arange(4, dtype: ScalarType.Int64));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Should_ReplaceTheTransformNotStackIt_When_AttachedToAnyDataset(string kind)
    {
        using var dir = new TempDirectory();
        GeneratedImages.WriteFolder(dir.Path, new[] { "a", "b" }, perClass: 3, width: 6, height: 5);
        using var tensors = Images();
        var (data, untransformed) = Make(kind, tensors, dir.Path);
        using var raw = All(untransformed);
        using var mirrored = All(data.WithTransform(Mirror));
        Assert.True(Same(mirrored, raw.flip(3)), $"{kind}: WithTransform did not apply the mirror to the untransformed images alone");
        using var twice = All(data.WithTransform(Mirror).WithTransform(Mirror));
        Assert.True(Same(twice, raw.flip(3)), $"{kind}: a second WithTransform stacked on the first");
        using var removed = All(data.WithTransform(new TransformPipeline()));
        Assert.True(Same(removed, raw), $"{kind}: an empty pipeline did not remove the transform");
    }

    [Fact]
    public void Should_MeanTheSameThing_When_AnImageFolderIsSeenAsADataset()
    {
        using var dir = new TempDirectory();
        GeneratedImages.WriteFolder(dir.Path, new[] { "a" }, perClass: 2, width: 6, height: 5);
        var folder = new ImageFolder(dir.Path, new ImageFolderOptions { Transform = Before });
        ImageFolder typed = folder.WithTransform(Mirror);
        Dataset untyped = ((Dataset)folder).WithTransform(Mirror);
        Assert.Equal(folder.Files, typed.Files);
        Assert.Same(Mirror, typed.Transform);
        using var a = All(typed);
        using var b = All(untyped);
        Assert.True(Same(a, b));
    }

    [Fact]
    public void Should_KeepTheIndicesAndTheSubsetType_When_ASubsetIsTransformed()
    {
        using var tensors = Images();
        var part = tensors.Subset(new long[] { 2, 1 });
        Subset mirrored = part.WithTransform(Mirror);
        Assert.Equal(new long[] { 2, 1 }, mirrored.Indices);
        Assert.IsType<TransformDataset>(mirrored.Dataset);
        Assert.True(mirrored.LoaderOptions.NumWorkers >= 1, "a subset of transformed tensors should load on workers, as the transformed tensors do");
    }

    [Fact]
    public void Should_NameTheArgument_When_TheTransformIsNull()
    {
        using var tensors = Images();
        Assert.Equal("transform", Assert.Throws<ArgumentNullException>(() => tensors.WithTransform(null!)).ParamName);
    }
}
