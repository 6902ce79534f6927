namespace Kernelwise.Distributed;

/// <summary>
/// Splits each global batch among the ranks so that together they train on exactly the samples, in exactly the
/// order, that one process with the global batch size would: rank <c>r</c> of <c>n</c> takes the <c>r</c>-th of
/// <c>n</c> contiguous, near-equal parts of every global batch (the first <c>count mod n</c> ranks get one sample
/// more). Every rank must compute the global order the same way (same seed, same epoch).
/// </summary>
/// <remarks>
/// PyTorch's <c>DistributedSampler</c> shards the whole epoch instead (rank <c>r</c> takes every <c>n</c>-th index and
/// pads the epoch to a multiple of <c>n</c> with repeated samples); sharding per global batch needs no padding and
/// keeps each step's set of samples equal to the single-process step's, which is what makes 2 ranks × batch 64 match
/// 1 process × batch 128. With unequal parts (a last, short batch) the per-rank mean losses must be weighted by
/// <c>part size × n / global batch size</c> before the gradients are averaged.
/// </remarks>
public static class BatchShard
{
    /// <summary>The start and length of rank <paramref name="rank"/>'s part of a batch of <paramref name="count"/> samples.</summary>
    public static (int Start, int Count) Range(int count, int rank, int size)
    {
        Guard.NonNegative(count);
        Guard.Positive(size);
        if (rank < 0 || rank >= size)
            throw new ArgumentOutOfRangeException(nameof(rank), rank, $"Invalid value for argument rank. Expected a rank from 0 to {size - 1}. Received rank={rank}.");
        int baseCount = count / size, extra = count % size;
        int start = rank * baseCount + Math.Min(rank, extra);
        return (start, baseCount + (rank < extra ? 1 : 0));
    }

    /// <summary>Rank <paramref name="rank"/>'s part of one global batch's sample indices.</summary>
    public static long[] Split(ReadOnlySpan<long> globalBatch, int rank, int size)
    {
        var (start, count) = Range(globalBatch.Length, rank, size);
        return globalBatch.Slice(start, count).ToArray();
    }

    /// <summary>
    /// Rank <paramref name="rank"/>'s parts of every global batch of an epoch: the epoch's order (e.g.
    /// <c>DataLoader.GetOrder(epoch)</c>) cut into batches of <paramref name="globalBatchSize"/>, each split by
    /// <see cref="Split"/>. The last batch is kept short unless <paramref name="dropLast"/>.
    /// </summary>
    public static IReadOnlyList<long[]> Epoch(long[] order, int globalBatchSize, int rank, int size, bool dropLast = false)
    {
        ArgumentNullException.ThrowIfNull(order);
        Guard.Positive(globalBatchSize);
        var batches = new List<long[]>();
        for (long start = 0; start < order.LongLength; start += globalBatchSize)
        {
            int count = (int)Math.Min(globalBatchSize, order.LongLength - start);
            if (count < globalBatchSize && dropLast) break;
            batches.Add(Split(order.AsSpan((int)start, count), rank, size));
        }
        return batches;
    }
}
