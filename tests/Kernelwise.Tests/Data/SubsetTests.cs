using Kernelwise.Data;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Data;

public class SubsetTests
{
    private static TensorDataset Numbers(int n) => new(arange(n, dtype: ScalarType.Float32).unsqueeze(1), arange(n, dtype: ScalarType.Int64));

    [Fact]
    public void Should_MapIndicesToTheUnderlyingDataset_When_Batched()
    {
        using var data = Numbers(10);
        var subset = data.Subset(new long[] { 7, 2, 5 });
        Assert.Equal(3, subset.Count);
        using var batch = subset.GetBatch(new long[] { 2, 0 });
        Assert.Equal(new long[] { 5, 7 }, batch.Targets.data<long>().ToArray());
        var (x, y) = subset.GetExample(1);
        using (x) using (y) Assert.Equal(2L, y.item<long>());
    }

    [Fact]
    public void Should_NameTheIndex_When_OutOfRange()
    {
        using var data = Numbers(4);
        Assert.Contains("Expected indices in [0, 4). Received index 4", Assert.Throws<ArgumentOutOfRangeException>(() => data.Subset(new long[] { 1, 4 })).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => data.Subset(new long[] { 1 }).GetBatch(new long[] { 1 }));
    }
}
