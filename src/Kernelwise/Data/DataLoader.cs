using System.Collections;
using Kernelwise.Data.Loading;

namespace Kernelwise.Data;

/// <summary>
/// Iterates a <see cref="Dataset"/> in mini-batches — PyTorch's <c>DataLoader</c>. Each enumeration is one epoch;
/// with <see cref="Shuffle"/> the order is a permutation drawn from <see cref="Seed"/> and the epoch number, so a
/// seeded run repeats exactly and each epoch still sees a different order.
/// </summary>
/// <remarks>
/// <para>
/// With <see cref="NumWorkers"/> above 0, that many threads build batches in parallel (reading, decoding, augmenting
/// and collating them) while the consumer trains on earlier ones; at most <c>NumWorkers × PrefetchFactor</c> batches
/// are in flight or waiting, so memory stays bounded. Batches are delivered in order: the batches and their contents
/// (random augmentation included, see <see cref="BatchContext"/>) do not depend on the number of workers.
/// </para>
/// <para>
/// An exception thrown while building a batch reaches the consumer, with its original type and message (an image
/// dataset's error names the file), at that batch's turn. Disposing the enumerator — leaving a <c>foreach</c> early,
/// an exception, <see cref="CancellationToken"/> — stops the workers, waits for them (at most the sample each is
/// working on) and disposes every batch not delivered.
/// </para>
/// <para>The caller owns each yielded <see cref="Batch"/> and disposes it.</para>
/// </remarks>
public sealed class DataLoader : IEnumerable<Batch>
{
    private int _epoch;
    private int _shardCount = 1;
    private int _shardIndex;

    /// <summary>Creates a loader.</summary>
    /// <param name="dataset">The samples.</param>
    /// <param name="batchSize">Samples per batch.</param>
    /// <param name="shuffle">Whether to permute the samples every epoch.</param>
    /// <param name="dropLast">Whether to skip a last batch smaller than <paramref name="batchSize"/>.</param>
    /// <param name="seed">Seed of the permutation and of random transforms; a random seed is drawn when null.</param>
    /// <param name="numWorkers">Worker threads; null takes the dataset's <see cref="Dataset.LoaderOptions"/>.</param>
    /// <param name="prefetchFactor">Batches prepared ahead per worker; null takes the dataset's <see cref="Dataset.LoaderOptions"/>.</param>
    /// <param name="pinMemory">
    /// Copy each batch into page-locked (pinned) host memory on the worker, so that the training step's
    /// <c>to(cuda, non_blocking: true)</c> copy is asynchronous. Ignored when CUDA is not available.
    /// </param>
    public DataLoader(Dataset dataset, int batchSize = 32, bool shuffle = false, bool dropLast = false, int? seed = null,
        int? numWorkers = null, int? prefetchFactor = null, bool pinMemory = false)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        Dataset = dataset;
        BatchSize = Guard.Positive(batchSize);
        Shuffle = shuffle;
        DropLast = dropLast;
        Seed = seed ?? Random.Shared.Next();
        NumWorkers = Guard.NonNegative(numWorkers ?? dataset.LoaderOptions.NumWorkers, nameof(numWorkers));
        PrefetchFactor = Guard.Positive(prefetchFactor ?? dataset.LoaderOptions.PrefetchFactor, nameof(prefetchFactor));
        PinMemory = pinMemory;
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

    /// <summary>Seed of the permutation and of the datasets' random transforms.</summary>
    public int Seed { get; }

    /// <summary>Worker threads building batches (0: built on the consuming thread, no prefetching).</summary>
    public int NumWorkers { get; }

    /// <summary>Batches each worker may prepare ahead.</summary>
    public int PrefetchFactor { get; }

    /// <summary>Whether batches are copied into pinned host memory (only where CUDA is available).</summary>
    public bool PinMemory { get; }

    /// <summary>Stops an enumeration: the next (or the waiting) <c>MoveNext</c> throws <see cref="OperationCanceledException"/> and the workers stop.</summary>
    public CancellationToken CancellationToken { get; init; }

    /// <summary>
    /// Number of processes sharing each batch in data-parallel training (1: none). Each global batch holds
    /// <c>BatchSize × ShardCount</c> samples of the epoch's order and is split into contiguous parts; this loader
    /// yields part <see cref="ShardIndex"/>.
    /// </summary>
    public int ShardCount
    {
        get => _shardCount;
        init => _shardCount = Guard.Positive(value, nameof(ShardCount));
    }

    /// <summary>Which part of each global batch this loader yields (0 … <see cref="ShardCount"/> − 1).</summary>
    public int ShardIndex
    {
        get => _shardIndex;
        init => _shardIndex = Guard.NonNegative(value, nameof(ShardIndex));
    }

    /// <summary>The epoch number used for the next enumeration's permutation and augmentation (advanced by each enumeration).</summary>
    public int Epoch
    {
        get => _epoch;
        set => _epoch = Guard.NonNegative(value);
    }

    /// <summary>
    /// Number of batches per epoch (an upper bound when the dataset skips unreadable files at load time and a whole
    /// batch of them is passed over).
    /// </summary>
    public long BatchCount
    {
        get
        {
            long global = (long)BatchSize * ShardCount;
            return DropLast ? Dataset.Count / global : (Dataset.Count + global - 1) / global;
        }
    }

    /// <summary>The sample order of epoch <paramref name="epoch"/>.</summary>
    public long[] GetOrder(int epoch)
    {
        long n = Dataset.Count;
        if (Shuffle) return SeededShuffle.Permutation(n, unchecked(Seed * 1_000_003 + epoch)); // deterministic across processes (unlike HashCode)
        var order = new long[n];
        for (long i = 0; i < n; i++) order[i] = i;
        return order;
    }

    /// <summary>Starts an epoch: the enumerator builds the batches (on workers when <see cref="NumWorkers"/> is above 0).</summary>
    public IEnumerator<Batch> GetEnumerator()
    {
        int epoch = _epoch++;
        if (ShardIndex >= ShardCount)
            throw new InvalidOperationException($"DataLoader ShardIndex {ShardIndex} must be below ShardCount {ShardCount}.");
        var plan = new BatchPlan(GetOrder(epoch), BatchSize, BatchCount, ShardCount, ShardIndex);
        var context = new BatchContext(Seed, epoch);
        bool pin = PinMemory && TorchSharp.torch.cuda.is_available();
        return NumWorkers == 0
            ? new SynchronousBatchEnumerator(Dataset, plan, context, pin, CancellationToken)
            : new PrefetchingBatchEnumerator(Dataset, plan, context, NumWorkers, NumWorkers * PrefetchFactor, pin, CancellationToken);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
