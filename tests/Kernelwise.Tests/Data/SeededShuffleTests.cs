using Kernelwise.Data;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Data;

/// <summary>The one seeded shuffle, and the three users that must draw from it (loader order, random split, folder split).</summary>
public class SeededShuffleTests
{
    [Fact]
    public void Should_GiveTheRecordedPermutation_When_TheSeedIsFixed()
    {
        // Recorded before the three shuffles were merged into one: a seed keeps its order across versions.
        Assert.Equal(Recorded, SeededShuffle.Permutation(10, 42));
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => (long)i), SeededShuffle.Permutation(1000, 7).Order());
        Assert.NotEqual(SeededShuffle.Permutation(1000, 7), SeededShuffle.Permutation(1000, 8));
        Assert.Empty(SeededShuffle.Permutation(0, 1));
    }

    private static readonly long[] Recorded = { 5, 8, 6, 7, 0, 3, 9, 1, 4, 2 };

    [Fact]
    public void Should_OrderEachShuffledEpochByTheSharedPermutation_When_ADataLoaderShuffles()
    {
        using var data = new TensorDataset(zeros(25, 1), arange(25, dtype: ScalarType.Int64));
        var loader = new DataLoader(data, batchSize: 4, shuffle: true, seed: 5);
        Assert.Equal(SeededShuffle.Permutation(25, 5 * 1_000_003 + 2), loader.GetOrder(2));
        Assert.Equal(Enumerable.Range(0, 25).Select(i => (long)i), new DataLoader(data, shuffle: false, seed: 5).GetOrder(2));
    }

    [Fact]
    public void Should_CutTheSharedPermutationInOrder_When_RandomlySplitting()
    {
        using var data = new TensorDataset(zeros(12, 1), arange(12, dtype: ScalarType.Int64));
        var parts = data.RandomSplit(new long[] { 7, 5 }, seed: 3);
        Assert.Equal(SeededShuffle.Permutation(12, 3), parts[0].Indices.Concat(parts[1].Indices));
    }

    [Fact]
    public void Should_HoldOutTheLastOfTheSharedPermutation_When_AFolderIsSplit()
    {
        using var dir = new TempDirectory();
        GeneratedImages.WriteFolder(dir.Path, new[] { "a", "b" }, perClass: 6);
        var all = new ImageFolder(dir.Path);
        var (train, validation) = ImageDataset.FromDirectory(dir.Path, imageSize: (8, 8), validationSplit: 0.25, seed: 9);
        var order = SeededShuffle.Permutation(12, 9);
        Assert.Equal(order.Take(9).Order().Select(i => all.Files[(int)i]), train.Files);
        Assert.Equal(order.Skip(9).Order().Select(i => all.Files[(int)i]), validation!.Files);
    }
}
