
namespace Kernelwise;

/// <summary>
/// Lowers the rate when a monitored value stops improving — Keras's <c>ReduceLROnPlateau</c> (PyTorch's
/// <c>ReduceLROnPlateau</c> with an absolute threshold): after <see cref="Patience"/> epochs without an improvement
/// larger than <see cref="MinDelta"/>, the rate is multiplied by <see cref="Factor"/> (never below
/// <see cref="MinRate"/>), then <see cref="Cooldown"/> epochs pass before counting again. The new rate applies from
/// the next epoch. Its counters are saved in training checkpoints.
/// </summary>
public sealed class ReduceOnPlateau : LearningRateSchedule
{
    private readonly MonitorTracker _tracker;
    private double _scale = 1;
    private int _wait;
    private int _cooldownLeft;

    /// <summary>Creates the schedule.</summary>
    /// <param name="monitor">Log key to watch (default <c>val_loss</c>).</param>
    /// <param name="factor">Multiplier applied on a plateau, in (0, 1).</param>
    /// <param name="patience">Epochs without improvement before reducing.</param>
    /// <param name="minDelta">Smallest change that counts as an improvement.</param>
    /// <param name="cooldown">Epochs to wait after a reduction before counting again.</param>
    /// <param name="minRate">Lower bound of the rate.</param>
    /// <param name="mode">Whether smaller or larger is better (<see cref="MonitorMode.Auto"/> infers it from the name).</param>
    public ReduceOnPlateau(string monitor = "val_loss", double factor = 0.1, int patience = 10, double minDelta = 1e-4, int cooldown = 0,
        double minRate = 0, MonitorMode mode = MonitorMode.Auto) : base(ScheduleInterval.Epoch)
    {
        Factor = Guard.InRange(factor, 0, 1, maxInclusive: false);
        if (factor == 0) throw new ArgumentOutOfRangeException(nameof(factor), factor, "Invalid value for argument factor. Expected a value in (0, 1). Received factor=0.");
        Patience = Guard.NonNegative(patience);
        MinDelta = Guard.NonNegative(minDelta);
        Cooldown = Guard.NonNegative(cooldown);
        MinRate = Guard.NonNegative(minRate);
        _tracker = new MonitorTracker(Guard.NotEmpty(monitor), mode, minDelta);
    }

    /// <summary>The monitored log key.</summary>
    public string Monitor => _tracker.Monitor;

    /// <summary>Reduction factor.</summary>
    public double Factor { get; }

    /// <summary>Epochs without improvement tolerated.</summary>
    public int Patience { get; }

    /// <summary>Minimum improvement.</summary>
    public double MinDelta { get; }

    /// <summary>Epochs of cooldown after a reduction.</summary>
    public int Cooldown { get; }

    /// <summary>Lower bound of the rate.</summary>
    public double MinRate { get; }

    /// <summary>Product of all reductions so far (1 before the first).</summary>
    public double Scale => _scale;

    /// <inheritdoc />
    public override double GetRate(long t, double initialRate, double currentRate) => Math.Max(initialRate * _scale, Math.Min(MinRate, initialRate));

    /// <inheritdoc />
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        if (!logs.TryGetValue(Monitor, out var value))
            throw new InvalidOperationException($"ReduceOnPlateau monitors '{Monitor}', which is not in the logs. Available: {string.Join(", ", logs.Keys)}. Pass validation data for val_ keys.");
        if (_cooldownLeft > 0) _cooldownLeft--;
        if (_tracker.Update(value))
        {
            _wait = 0;
            return;
        }
        if (_cooldownLeft > 0) return;
        _wait++;
        if (_wait >= Patience)
        {
            _scale *= Factor;
            _cooldownLeft = Cooldown;
            _wait = 0;
        }
    }

    /// <inheritdoc />
    public override void Reset()
    {
        _tracker.Reset();
        _scale = 1;
        _wait = 0;
        _cooldownLeft = 0;
    }

    /// <inheritdoc />
    public override void SaveState(BinaryWriter writer)
    {
        _tracker.Save(writer);
        writer.Write(_scale);
        writer.Write(_wait);
        writer.Write(_cooldownLeft);
    }

    /// <inheritdoc />
    public override void LoadState(BinaryReader reader)
    {
        _tracker.Load(reader);
        _scale = reader.ReadDouble();
        _wait = reader.ReadInt32();
        _cooldownLeft = reader.ReadInt32();
    }
}
