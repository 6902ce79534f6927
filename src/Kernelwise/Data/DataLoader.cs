using System.Collections;

namespace Kernelwise.Data;

/// <summary>
/// Iterates a <see cref="Dataset"/> in mini-batches — PyTorch's <c>DataLoader</c>. Each enumeration is one epoch;
/// with <see cref="Shuffle"/> the order is a permutation drawn from <see cref="Seed"/> and the epoch number, so a
/// seeded run repeats exactly and each epoch still sees a different order.
/// </summary>
/// <remarks>The caller owns each yielded <see cref="Batch"/> and disposes it.</remarks>
public sealed class DataLoader : IEnumerable<Batch>
{
    private int _epoch;

    /// <summary>Creates a loader.</summary>
    /// <param name="dataset">The samples.</param>
    /// <param name="batchSize">Samples per batch.</param>
    /// <param name="shuffle">Whether to permute the samples every epoch.</param>
    /// <param name="dropLast">Whether to skip a last batch smaller than <paramref name="batchSize"/>.</param>
    /// <param name="seed">Seed of the permutation; a random seed is drawn when null.</param>
    public DataLoader(Dataset dataset, int batchSize = 32, bool shuffle = false, bool dropLast = false, int? seed = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        Dataset = dataset;
        BatchSize = Guard.Positive(batchSize);
        Shuffle = shuffle;
        DropLast = dropLast;
        Seed = seed ?? Random.Shared.Next();
        if (dataset.Count == 0) throw new ArgumentException("The dataset is empty: a DataLoader needs at least one sample.", nameof(dataset));
    }

    /// <summary>The samples.</summary>
    public Dataset Dataset { get; }

    /// <summary>Samples per batch.</summary>
    public int BatchSize { get; }

    /// <summary>Whether the order is permuted every epoch.</summary>
    public bool Shuffle { get; }

    /// <summary>Whether an incomplete last batch is skipped.</summary>
    public bool DropLast { get; }

    /// <summary>Seed of the permutation.</summary>
    public int Seed { get; }

    /// <summary>The epoch number used for the next enumeration's permutation (advanced by each enumeration).</summary>
    public int Epoch
    {
        get => _epoch;
        set => _epoch = Guard.NonNegative(value);
    }

    /// <summary>Number of batches per epoch.</summary>
    public long BatchCount => DropLast ? Dataset.Count / BatchSize : (Dataset.Count + BatchSize - 1) / BatchSize;

    /// <summary>The sample order of epoch <paramref name="epoch"/>.</summary>
    public long[] GetOrder(int epoch)
    {
        long n = Dataset.Count;
        var order = new long[n];
        for (long i = 0; i < n; i++) order[i] = i;
        if (Shuffle)
        {
            var rng = new Random(unchecked(Seed * 1_000_003 + epoch)); // deterministic across processes (unlike HashCode)
            for (long i = n - 1; i > 0; i--)
            {
                long j = rng.NextInt64(i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }
        }
        return order;
    }

    /// <inheritdoc />
    public IEnumerator<Batch> GetEnumerator()
    {
        var order = GetOrder(_epoch++);
        long batches = BatchCount;
        for (long b = 0; b < batches; b++)
        {
            long start = b * BatchSize;
            int size = (int)Math.Min(BatchSize, order.Length - start);
            var idx = new long[size];
            Array.Copy(order, start, idx, 0, size);
            yield return Dataset.GetBatch(idx);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
