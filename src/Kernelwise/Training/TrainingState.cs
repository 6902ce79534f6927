using TorchSharp;
using static TorchSharp.torch;

namespace Kernelwise.Training;

/// <summary>
/// Where a running <see cref="Trainer.Fit"/> stands and what a training checkpoint must capture to resume it exactly:
/// the epoch and the batches done in it, the running loss and sample counts, the seed of the data order, the batch
/// size, and (in a data-parallel run) this process's rank. Owned by the engine; callbacks read it through
/// <see cref="Callback.State"/>.
/// </summary>
public sealed class TrainingState
{
    private volatile bool _interruptRequested;

    internal TrainingState(Trainer model, int loaderSeed, int batchSize, DistributionStrategy strategy)
    {
        Model = model;
        LoaderSeed = loaderSeed;
        BatchSize = batchSize;
        Strategy = strategy;
    }

    /// <summary>The model being trained.</summary>
    public Trainer Model { get; }

    /// <summary>The training batch size (per process in a data-parallel run).</summary>
    public int BatchSize { get; }

    /// <summary>Seed of the training data's shuffle (drawn when <c>Fit</c> had no seed), so a resumed run sees the same order.</summary>
    public int LoaderSeed { get; }

    /// <summary>How the run is spread over processes (a single process unless launched with <c>mpirun</c>).</summary>
    public DistributionStrategy Strategy { get; }

    /// <summary>True in the process that prints, logs and writes files (rank 0; the only process of a plain run).</summary>
    public bool IsPrimary => Strategy.IsPrimary;

    /// <summary>The epoch in progress (or, after <see cref="EpochFinished"/>, the one just finished).</summary>
    public int Epoch { get; internal set; }

    /// <summary>Training batches completed in <see cref="Epoch"/>.</summary>
    public int BatchesDone { get; internal set; }

    /// <summary>Optimizer updates applied since the start of training (across <c>Fit</c> calls on this model: the global step).</summary>
    public long Updates { get; internal set; }

    /// <summary>Whether <see cref="Epoch"/> has ended (its logs are in the history or in <see cref="PendingLogs"/>).</summary>
    public bool EpochFinished { get; internal set; }

    /// <summary>Logs of the finished epoch not yet recorded in the history (during <c>OnEpochEnd</c>).</summary>
    public Logs? PendingLogs { get; internal set; }

    /// <summary>The running training metrics of the epoch (one list per model output).</summary>
    public IReadOnlyList<IReadOnlyList<Metric>> Metrics { get; internal set; } = Array.Empty<IReadOnlyList<Metric>>();

    /// <summary>The loss of the most recent training step (read from the device when called).</summary>
    public double LastBatchLoss => Tracker?.LastLoss ?? double.NaN;

    internal LossTracker? Tracker { get; set; }

    internal CallbackList? Callbacks { get; set; }

    /// <summary>Whether a stop after the current batch was requested (Ctrl+C through <see cref="SaveOnInterrupt"/>).</summary>
    public bool InterruptRequested => _interruptRequested;

    /// <summary>Asks the engine to stop after the current batch (or accumulation window) and call <see cref="Callback.OnInterrupt"/>; thread-safe.</summary>
    public void RequestInterrupt() => _interruptRequested = true;
}

/// <summary>
/// The loss of an epoch, summed on the model's device: each step adds loss × batch size without waiting for the
/// device; the host reads the mean only when logs are read.
/// </summary>
internal sealed class LossTracker : IDisposable
{
    private readonly torch.Device _device;
    private Tensor? _sum;
    private Tensor? _last;

    public LossTracker(torch.Device device, int components = 0)
    {
        _device = device;
        ComponentSums = new Tensor?[components];
    }

    /// <summary>Samples counted so far.</summary>
    public long Seen { get; private set; }

    /// <summary>Per-output loss sums (models with several outputs).</summary>
    public Tensor?[] ComponentSums { get; }

    public void Add(Tensor loss, long samples)
    {
        using var detached = loss.detach();
        using var value = detached.to(ScalarType.Float64);
        using var weighted = value.mul(samples);
        _sum ??= zeros(Array.Empty<long>(), dtype: ScalarType.Float64, device: _device).DetachFromDisposeScope();
        _sum.add_(weighted);
        _last?.Dispose();
        _last = value.clone().DetachFromDisposeScope();
        Seen += samples;
    }

    public void AddComponent(int index, Tensor loss, long samples)
    {
        using var detached = loss.detach();
        using var value = detached.to(ScalarType.Float64);
        using var weighted = value.mul(samples);
        ComponentSums[index] ??= zeros(Array.Empty<long>(), dtype: ScalarType.Float64, device: _device).DetachFromDisposeScope();
        ComponentSums[index]!.add_(weighted);
    }

    public double Sum => _sum is null ? 0 : _sum.item<double>();

    public double Mean => Seen == 0 ? double.NaN : Sum / Seen;

    public double ComponentMean(int index) => Seen == 0 || ComponentSums[index] is null ? double.NaN : ComponentSums[index]!.item<double>() / Seen;

    public double LastLoss => _last is null ? double.NaN : _last.item<double>();

    /// <summary>Sets the sums (a resumed epoch, or values summed across processes).</summary>
    public void Restore(double sum, long seen, double[]? components = null)
    {
        _sum?.Dispose();
        _sum = tensor(sum, dtype: ScalarType.Float64, device: _device).DetachFromDisposeScope();
        Seen = seen;
        if (components is null) return;
        for (int i = 0; i < ComponentSums.Length && i < components.Length; i++)
        {
            ComponentSums[i]?.Dispose();
            ComponentSums[i] = tensor(components[i], dtype: ScalarType.Float64, device: _device).DetachFromDisposeScope();
        }
    }

    public double[] ComponentSumValues() => ComponentSums.Select(t => t is null ? 0.0 : t.item<double>()).ToArray();

    public void Reset()
    {
        _sum?.Dispose();
        _sum = null;
        _last?.Dispose();
        _last = null;
        for (int i = 0; i < ComponentSums.Length; i++)
        {
            ComponentSums[i]?.Dispose();
            ComponentSums[i] = null;
        }
        Seen = 0;
    }

    public void Dispose() => Reset();
}
