namespace Kernelwise.Data.Loading;

/// <summary>
/// The sample indices of each batch of one epoch: consecutive runs of the epoch's order. With shards (data-parallel
/// training), each global batch of <c>size × shards</c> indices is split into contiguous, nearly equal parts and this
/// process takes part <c>shard</c>, so all processes together cover every global batch exactly once.
/// </summary>
internal sealed class BatchPlan
{
    private readonly long[] _order;
    private readonly int _size;
    private readonly int _shards;
    private readonly int _shard;

    public BatchPlan(long[] order, int size, long count, int shards = 1, int shard = 0)
    {
        _order = order;
        _size = size;
        _shards = shards;
        _shard = shard;
        Count = count;
    }

    public long Count { get; }

    public long[] Indices(long batch)
    {
        long global = (long)_size * _shards;
        long start = batch * global;
        long count = Math.Min(global, _order.LongLength - start);
        // Part k of n over count items: [k·count/n, (k+1)·count/n).
        long from = start + count * _shard / _shards;
        long to = start + count * (_shard + 1) / _shards;
        var indices = new long[to - from];
        Array.Copy(_order, from, indices, 0, indices.Length);
        return indices;
    }
}
