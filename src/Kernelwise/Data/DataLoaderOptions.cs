namespace Kernelwise.Data;

/// <summary>
/// How a <see cref="DataLoader"/> loads a dataset when the caller does not say: the number of worker threads and how
/// many batches each may prepare ahead. A dataset carries these defaults (<see cref="Dataset.LoaderOptions"/>) so that
/// the loaders <c>Model.Fit</c>, <c>Evaluate</c> and <c>Predict</c> create inherit them — as a Keras <c>tf.data</c>
/// pipeline carries its own <c>prefetch</c> and parallelism.
/// </summary>
public sealed record DataLoaderOptions
{
    private readonly int _numWorkers;
    private readonly int _prefetchFactor = 2;

    /// <summary>Creates the options.</summary>
    /// <param name="numWorkers">See <see cref="NumWorkers"/>.</param>
    /// <param name="prefetchFactor">See <see cref="PrefetchFactor"/>.</param>
    public DataLoaderOptions(int numWorkers = 0, int prefetchFactor = 2)
    {
        NumWorkers = numWorkers;
        PrefetchFactor = prefetchFactor;
    }

    /// <summary>
    /// Worker threads that build batches in parallel (read, decode, augment, collate). 0 builds each batch on the
    /// consuming thread when it is asked for, with no prefetching (PyTorch's <c>num_workers=0</c>).
    /// </summary>
    public int NumWorkers
    {
        get => _numWorkers;
        init => _numWorkers = Guard.NonNegative(value, "numWorkers");
    }

    /// <summary>Batches each worker may prepare ahead (at least 1): the prefetch queue holds at most <c>NumWorkers × PrefetchFactor</c> batches.</summary>
    public int PrefetchFactor
    {
        get => _prefetchFactor;
        init => _prefetchFactor = Guard.Positive(value, "prefetchFactor");
    }

    /// <summary>No workers: each batch is built on the consuming thread (the default for in-memory tensors, where a batch is one gather).</summary>
    public static DataLoaderOptions Synchronous { get; } = new(0);

    /// <summary>
    /// The default for datasets that decode or augment: <c>max(1, min(4, cores / 2))</c> workers, each two batches
    /// ahead, leaving the other cores to the training step.
    /// </summary>
    public static DataLoaderOptions Parallel { get; } = new(Math.Max(1, Math.Min(4, Environment.ProcessorCount / 2)));
}
