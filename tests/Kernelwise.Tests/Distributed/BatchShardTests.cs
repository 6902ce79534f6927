using Kernelwise.Distributed;

namespace Kernelwise.Tests.Distributed;

public sealed class BatchShardTests
{
    [Theory]
    [InlineData(128, 2)]
    [InlineData(10, 3)]
    [InlineData(2, 4)]
    [InlineData(0, 2)]
    public void Should_CoverTheBatchInOrderWithPartsDifferingByAtMostOne(int count, int size)
    {
        long[] batch = Enumerable.Range(100, count).Select(i => (long)i).ToArray();
        var parts = Enumerable.Range(0, size).Select(r => BatchShard.Split(batch, r, size)).ToList();
        Assert.Equal(batch, parts.SelectMany(p => p));
        Assert.InRange(parts.Max(p => p.Length) - parts.Min(p => p.Length), 0, 1);
        Assert.True(parts.Zip(parts.Skip(1)).All(p => p.First.Length >= p.Second.Length), "earlier ranks get the extra samples");
    }

    [Fact]
    public void Should_SplitEveryGlobalBatch_When_ShardingAnEpoch()
    {
        long[] order = [9, 3, 7, 1, 0, 5, 2, 8, 6, 4];
        var rank0 = BatchShard.Epoch(order, globalBatchSize: 4, rank: 0, size: 2);
        var rank1 = BatchShard.Epoch(order, globalBatchSize: 4, rank: 1, size: 2);
        Assert.Equal([[9, 3], [0, 5], [6]], rank0);
        Assert.Equal([[7, 1], [2, 8], [4]], rank1);
        Assert.Equal(2, BatchShard.Epoch(order, 4, 1, 2, dropLast: true).Count);
    }

    [Fact]
    public void Should_NameTheRank_When_ItIsOutsideTheGroup()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => BatchShard.Range(8, 2, 2));
        Assert.StartsWith("Invalid value for argument rank. Expected a rank from 0 to 1. Received rank=2.", e.Message);
    }
}
