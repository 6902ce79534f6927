using System.Text;
using Kernelwise.Formats;

namespace Kernelwise.Training;

/// <summary>
/// Stops training when a monitored quantity has stopped improving — Keras's <c>EarlyStopping</c>. After
/// <see cref="Patience"/> epochs without an improvement larger than <see cref="MinDelta"/>, it sets
/// <see cref="Trainer.RequestStop"/>; with <see cref="RestoreBestWeights"/> the model ends with the weights of its best epoch.
/// </summary>
public sealed class EarlyStopping : Callback
{
    private readonly MonitorTracker _tracker;
    private byte[]? _bestWeights;
    private int _wait;
    private bool _restored;

    /// <summary>Creates the callback.</summary>
    /// <param name="monitor">Log key to watch (default <c>val_loss</c>).</param>
    /// <param name="minDelta">Smallest change that counts as an improvement.</param>
    /// <param name="patience">Epochs without improvement before stopping.</param>
    /// <param name="mode">Whether smaller or larger is better (<see cref="MonitorMode.Auto"/> infers it from the name).</param>
    /// <param name="baseline">Training stops unless the monitored value beats this within <paramref name="patience"/> epochs.</param>
    /// <param name="restoreBestWeights">At the end, put back the weights of the best epoch (kept in memory as a copy).</param>
    /// <param name="startFromEpoch">Epochs to wait before watching (warm-up).</param>
    public EarlyStopping(string monitor = "val_loss", double minDelta = 0, int patience = 0, MonitorMode mode = MonitorMode.Auto,
        double? baseline = null, bool restoreBestWeights = false, int startFromEpoch = 0)
    {
        MinDelta = Guard.NonNegative(minDelta);
        _tracker = new MonitorTracker(Guard.NotEmpty(monitor), mode, minDelta);
        Patience = Guard.NonNegative(patience);
        Baseline = baseline;
        RestoreBestWeights = restoreBestWeights;
        StartFromEpoch = Guard.NonNegative(startFromEpoch);
    }

    /// <summary>The monitored log key.</summary>
    public string Monitor => _tracker.Monitor;

    /// <summary>Minimum improvement.</summary>
    public double MinDelta { get; }

    /// <summary>Epochs without improvement tolerated.</summary>
    public int Patience { get; }

    /// <summary>Value to beat, when given.</summary>
    public double? Baseline { get; }

    /// <summary>Whether the best weights are restored at the end.</summary>
    public bool RestoreBestWeights { get; }

    /// <summary>Epochs ignored at the start.</summary>
    public int StartFromEpoch { get; }

    /// <summary>The epoch at which training was stopped (zero-based), or null.</summary>
    public int? StoppedEpoch { get; private set; }

    /// <summary>The epoch with the best monitored value (zero-based), or null.</summary>
    public int? BestEpoch { get; private set; }

    /// <summary>The best monitored value (NaN before the first).</summary>
    public double Best => _tracker.Best;

    /// <inheritdoc />
    public override void OnTrainBegin(Logs logs)
    {
        if (_restored)
        {
            _restored = false; // resumed from a checkpoint: keep the restored state
            return;
        }
        _wait = 0;
        _tracker.Reset();
        _bestWeights = null;
        StoppedEpoch = null;
        BestEpoch = null;
    }

    /// <inheritdoc />
    public override void OnEpochEnd(int epoch, Logs logs)
    {
        if (epoch < StartFromEpoch) return;
        if (!logs.TryGetValue(Monitor, out var value))
            throw new InvalidOperationException($"EarlyStopping monitors '{Monitor}', which is not in the logs. Available: {string.Join(", ", logs.Keys)}. Pass validation data for val_ keys.");
        if (RestoreBestWeights && _bestWeights is null)
        {
            _bestWeights = SnapshotWeights();
            BestEpoch = epoch;
        }
        _wait++;
        if (_tracker.Update(value))
        {
            BestEpoch = epoch;
            if (RestoreBestWeights) _bestWeights = SnapshotWeights();
            // Only restart the count when the value also beats the baseline (Keras's rule).
            if (Baseline is not double b || (_tracker.Maximize ? value - MinDelta > b : value + MinDelta < b)) _wait = 0;
            return;
        }
        if (_wait >= Patience && epoch > 0)
        {
            StoppedEpoch = epoch;
            Model!.RequestStop($"EarlyStopping: {Monitor} did not improve for {Patience} epoch(s) (best {Best:0.####} at epoch {BestEpoch + 1})");
        }
    }

    /// <inheritdoc />
    /// <remarks>With <see cref="RestoreBestWeights"/>, the best epoch's weights are put back whether or not training stopped early (Keras 3).</remarks>
    public override void OnTrainEnd(Logs logs)
    {
        if (StoppedEpoch is int e && Params?.Verbose > 0 && IsPrimaryProcess) Console.WriteLine($"Epoch {e + 1}: early stopping (best {Monitor} {Best:0.0000} at epoch {BestEpoch + 1}).");
        if (RestoreBestWeights && _bestWeights is not null) RestoreWeights(_bestWeights);
    }

    private byte[] SnapshotWeights()
    {
        using var ms = new MemoryStream();
        var tensors = StateDict.Capture(Model!.Network);
        try
        {
            Safetensors.Write(ms, tensors);
        }
        finally
        {
            foreach (var t in tensors) t.Value.Dispose();
        }
        return ms.ToArray();
    }

    private void RestoreWeights(byte[] snapshot)
    {
        var tensors = Safetensors.Read(snapshot, "(best weights in memory)");
        try
        {
            StateDict.Apply(Model!.Network, tensors, "(best weights in memory)", Model.Name);
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    /// <inheritdoc />
    public override void SaveState(BinaryWriter writer)
    {
        _tracker.Save(writer);
        writer.Write(_wait);
        writer.Write(BestEpoch ?? -1);
        writer.Write(_bestWeights?.Length ?? -1);
        if (_bestWeights is not null) writer.Write(_bestWeights);
    }

    /// <inheritdoc />
    public override void LoadState(BinaryReader reader)
    {
        _tracker.Load(reader);
        _wait = reader.ReadInt32();
        int best = reader.ReadInt32();
        BestEpoch = best < 0 ? null : best;
        int length = reader.ReadInt32();
        _bestWeights = length < 0 ? null : reader.ReadBytes(length);
        StoppedEpoch = null;
        _restored = true;
    }
}
