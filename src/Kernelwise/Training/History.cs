namespace Kernelwise.Training;

/// <summary>How a <see cref="Trainer.Fit"/> call ended.</summary>
public enum TrainingOutcome
{
    /// <summary>Still running, or no <c>Fit</c> has run yet.</summary>
    NotFinished,

    /// <summary>Every requested epoch ran.</summary>
    Completed,

    /// <summary>A callback stopped training (early stopping, or <see cref="Trainer.RequestStop"/>).</summary>
    StoppedEarly,

    /// <summary>Stopped from outside: Ctrl+C with <see cref="SaveOnInterrupt"/>, or <c>Fit</c>'s cancellation token.</summary>
    Interrupted,

    /// <summary>The loss became NaN or infinite (training cannot recover from non-finite weights).</summary>
    NonFiniteLoss,
}

/// <summary>
/// Per-epoch results of <see cref="Trainer.Fit"/> — Keras's <c>History</c>: <c>history["val_accuracy"][2]</c> is the
/// validation accuracy after the third epoch recorded. Several <c>Fit</c> calls on one model append to the same history.
/// It also says how the last <c>Fit</c> ended (<see cref="Outcome"/>, <see cref="StopReason"/>), and where.
/// </summary>
public sealed class History
{
    private readonly Dictionary<string, List<double>> _values = new();
    private readonly List<string> _keys = new();
    private readonly List<int> _epochs = new();

    /// <summary>The epoch indices recorded, in order.</summary>
    public IReadOnlyList<int> Epochs => _epochs;

    /// <summary>The keys recorded (loss, accuracy, val_loss, ...), in the order they first appeared.</summary>
    public IEnumerable<string> Keys => _keys;

    /// <summary>The values of <paramref name="key"/>, one per recorded epoch.</summary>
    public IReadOnlyList<double> this[string key]
        => _values.TryGetValue(key, out var v) ? v : throw new KeyNotFoundException($"History has no key '{key}'. Keys recorded: {string.Join(", ", _keys)}.");

    /// <summary>Whether <paramref name="key"/> was recorded.</summary>
    public bool Contains(string key) => _values.ContainsKey(key);

    /// <summary>How the last <c>Fit</c> ended.</summary>
    public TrainingOutcome Outcome { get; internal set; }

    /// <summary>Who or what ended the last <c>Fit</c> early, in words (e.g. <c>EarlyStopping: val_loss did not improve for 3 epochs</c>); null when it completed.</summary>
    public string? StopReason { get; internal set; }

    /// <summary>The zero-based epoch in which the last <c>Fit</c> ended.</summary>
    public int? StoppedEpoch { get; internal set; }

    /// <summary>The zero-based batch of <see cref="StoppedEpoch"/> after which the last <c>Fit</c> ended (the last batch of a finished epoch).</summary>
    public int? StoppedBatch { get; internal set; }

    /// <summary>One sentence on how the last <c>Fit</c> ended, for printing.</summary>
    public string Summary => Outcome switch
    {
        TrainingOutcome.NotFinished => "Training has not finished.",
        TrainingOutcome.Completed => $"Training completed: {_epochs.Count} epoch(s) recorded, last epoch {StoppedEpoch + 1}.",
        TrainingOutcome.StoppedEarly => $"Training stopped early in epoch {StoppedEpoch + 1} after batch {StoppedBatch + 1}: {StopReason}.",
        TrainingOutcome.Interrupted => $"Training was interrupted in epoch {StoppedEpoch + 1} after batch {StoppedBatch + 1}: {StopReason}.",
        _ => $"Training stopped in epoch {StoppedEpoch + 1} after batch {StoppedBatch + 1}: {StopReason}.",
    };

    /// <summary>Appends one epoch's logs.</summary>
    public void Record(int epoch, IEnumerable<KeyValuePair<string, double>> logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        _epochs.Add(epoch);
        foreach (var (k, v) in logs)
        {
            if (!_values.TryGetValue(k, out var list))
            {
                list = Enumerable.Repeat(double.NaN, _epochs.Count - 1).ToList();
                _values[k] = list;
                _keys.Add(k);
            }
            list.Add(v);
        }
        foreach (var list in _values.Values)
            while (list.Count < _epochs.Count) list.Add(double.NaN);
    }

    internal void End(TrainingOutcome outcome, string? reason, int epoch, int batch)
    {
        Outcome = outcome;
        StopReason = reason;
        StoppedEpoch = epoch;
        StoppedBatch = batch;
    }

    /// <summary>Replaces everything recorded with the contents of <paramref name="other"/> (when a run is resumed from a checkpoint).</summary>
    internal void ReplaceWith(History other)
    {
        _values.Clear();
        _keys.Clear();
        _epochs.Clear();
        foreach (var k in other._keys)
        {
            _keys.Add(k);
            _values[k] = other._values[k].ToList();
        }
        _epochs.AddRange(other._epochs);
    }
}
