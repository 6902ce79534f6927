using Kernelwise.Data;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Data;

public class ConcatDatasetTests
{
    private static TensorDataset Range(int from, int count) =>
        new(arange(from, from + count, dtype: ScalarType.Float32).unsqueeze(1), arange(from, from + count, dtype: ScalarType.Int64));

    [Fact]
    public void Should_ChainThePartsInOrder_When_Indexed()
    {
        using var a = Range(0, 3);
        using var empty = Range(100, 0);
        using var b = Range(10, 4);
        var all = a.Concat(empty, b);
        Assert.Equal(7, all.Count);
        using var batch = all.GetBatch(new long[] { 6, 0, 3, 2, 4 });
        Assert.Equal(new long[] { 13, 0, 10, 2, 11 }, batch.Targets.data<long>().ToArray()); // the requested order, across parts
        Assert.Equal(new float[] { 13, 0, 10, 2, 11 }, batch.Inputs.squeeze(1).data<float>().ToArray());
        var (x, y) = all.GetExample(3);
        using (x) using (y) Assert.Equal(10L, y.item<long>());
    }

    [Fact]
    public void Should_IterateEverySampleOnce_When_Loaded()
    {
        using var a = Range(0, 5);
        using var b = Range(5, 6);
        var seen = new List<long>();
        foreach (var batch in new DataLoader(new ConcatDataset(a, b), batchSize: 4, shuffle: true, seed: 2, numWorkers: 2))
        {
            using (batch) seen.AddRange(batch.Targets.data<long>().ToArray());
        }
        Assert.Equal(Enumerable.Range(0, 11).Select(i => (long)i), seen.Order());
    }
}
