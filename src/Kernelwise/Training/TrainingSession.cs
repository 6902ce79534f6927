using Kernelwise.Models;

namespace Kernelwise.Training;

/// <summary>
/// The live state of one <see cref="Model.Fit"/> call: where training stands (epoch, batches done, running sums) and
/// what a checkpoint must capture to resume it exactly. Owned by the trainer; callbacks reach it through
/// <see cref="Callback.Session"/>.
/// </summary>
internal sealed class TrainingSession
{
    private volatile bool _interruptRequested;

    public TrainingSession(Model model, int loaderSeed, int batchSize, IReadOnlyList<Metric> metrics, IReadOnlyList<Callback> callbacks)
    {
        Model = model;
        BatchSize = batchSize;
        LoaderSeed = loaderSeed;
        Metrics = metrics;
        Callbacks = callbacks;
    }

    public Model Model { get; }

    /// <summary>The training batch size.</summary>
    public int BatchSize { get; }

    /// <summary>Seed of the training data loader's shuffle (drawn when <c>Fit</c> had no seed), so a resumed run sees the same order.</summary>
    public int LoaderSeed { get; }

    /// <summary>The training metrics (running over the current epoch).</summary>
    public IReadOnlyList<Metric> Metrics { get; }

    public IReadOnlyList<Callback> Callbacks { get; }

    /// <summary>The epoch in progress (or, after <see cref="EpochFinished"/>, the one just finished).</summary>
    public int Epoch { get; set; }

    /// <summary>Training batches completed in <see cref="Epoch"/>.</summary>
    public int BatchesDone { get; set; }

    /// <summary>Sum of per-sample losses so far in the epoch.</summary>
    public double LossSum { get; set; }

    /// <summary>Samples seen so far in the epoch.</summary>
    public long Seen { get; set; }

    /// <summary>Whether <see cref="Epoch"/> has ended (its logs are in the history or in <see cref="PendingLogs"/>).</summary>
    public bool EpochFinished { get; set; }

    /// <summary>Logs of the finished epoch not yet recorded in the model's history (during <c>OnEpochEnd</c>).</summary>
    public IDictionary<string, double>? PendingLogs { get; set; }

    /// <summary>Whether a stop after the current batch was requested (Ctrl+C, <see cref="SaveOnInterrupt"/>).</summary>
    public bool InterruptRequested => _interruptRequested;

    public void RequestInterrupt() => _interruptRequested = true;
}
