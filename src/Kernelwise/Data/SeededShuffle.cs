namespace Kernelwise.Data;

/// <summary>
/// The one shuffle of Kernelwise's data code: the data loader's epoch order, <c>RandomSplit</c> and
/// <c>ImageDataset.FromDirectory</c>'s validation split all draw their permutation here, so a seed means the same
/// order everywhere.
/// </summary>
internal static class SeededShuffle
{
    /// <summary>
    /// A permutation of 0 … <paramref name="count"/> − 1: Fisher–Yates (from the last position down, each swapped with
    /// a position drawn uniformly at or below it) over <see cref="Random"/>(<paramref name="seed"/>), the same in every
    /// process and on every platform.
    /// </summary>
    public static long[] Permutation(long count, int seed)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), $"Invalid value for argument count. Expected a non-negative number of items. Received count={count}.");
        var order = new long[count];
        for (long i = 0; i < count; i++) order[i] = i;
        var rng = new Random(seed);
        for (long i = count - 1; i > 0; i--)
        {
            long j = rng.NextInt64(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }
}
