using Kernelwise.Data;

namespace Kernelwise.Tests.Data.Transforms;

public class TransformRandomTests
{
    [Fact]
    public void Should_RepeatTheSameDraws_When_KeysAreEqual()
    {
        var a = TransformRandom.For(1, 2, 3, 4);
        var b = TransformRandom.For(1, 2, 3, 4);
        for (int i = 0; i < 100; i++) Assert.Equal(a.NextUInt64(), b.NextUInt64());
    }

    [Fact]
    public void Should_DrawDifferently_When_AnyKeyChanges()
    {
        ulong first = TransformRandom.For(1, 2, 3, 4).NextUInt64();
        Assert.NotEqual(first, TransformRandom.For(0, 2, 3, 4).NextUInt64());
        Assert.NotEqual(first, TransformRandom.For(1, 0, 3, 4).NextUInt64());
        Assert.NotEqual(first, TransformRandom.For(1, 2, 0, 4).NextUInt64());
        Assert.NotEqual(first, TransformRandom.For(1, 2, 3, 0).NextUInt64());
    }

    [Fact]
    public void Should_KeepValuesInRangeAndCoverIt_When_DrawingIntegersAndDoubles()
    {
        var r = new TransformRandom(7);
        var counts = new int[5];
        for (int i = 0; i < 5000; i++)
        {
            int v = r.NextInt(-2, 2);
            Assert.InRange(v, -2, 2);
            counts[v + 2]++;
            double d = r.NextDouble();
            Assert.True(d >= 0 && d < 1);
        }
        Assert.All(counts, c => Assert.InRange(c, 850, 1150)); // about 1000 each
        Assert.Equal(3, r.NextInt(3, 3));
    }

    [Fact]
    public void Should_PermuteAllItems_When_Shuffling()
    {
        var items = Enumerable.Range(0, 20).ToArray();
        new TransformRandom(3).Shuffle(items.AsSpan());
        Assert.Equal(Enumerable.Range(0, 20), items.Order());
        Assert.NotEqual(Enumerable.Range(0, 20), items);
    }
}
