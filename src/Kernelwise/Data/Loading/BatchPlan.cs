namespace Kernelwise.Data.Loading;

/// <summary>One epoch's batches: batch <c>b</c> holds <c>order[b·size ..]</c>, at most <c>size</c> samples.</summary>
internal sealed class BatchPlan
{
    private readonly long[] _order;
    private readonly int _size;

    public BatchPlan(long[] order, int size, long count)
    {
        _order = order;
        _size = size;
        Count = count;
    }

    /// <summary>Number of batches.</summary>
    public long Count { get; }

    /// <summary>The sample indices of batch <paramref name="batch"/>.</summary>
    public long[] Indices(long batch)
    {
        long start = batch * _size;
        int size = (int)Math.Min(_size, _order.LongLength - start);
        var indices = new long[size];
        Array.Copy(_order, start, indices, 0, size);
        return indices;
    }
}
