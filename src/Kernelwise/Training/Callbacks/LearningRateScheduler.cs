
namespace Kernelwise.Training;

/// <summary>
/// Applies a <see cref="LearningRateSchedule"/> during <c>Fit</c> — Keras's <c>LearningRateScheduler</c>: before each
/// epoch (or each batch, for per-step schedules) it sets the rate to <c>schedule.GetRate(t, initialRate, currentRate)</c>;
/// after each epoch it passes the logs to the schedule (for <see cref="ReduceOnPlateau"/>). The schedule's state travels
/// in training checkpoints.
/// </summary>
/// <remarks>
/// Parameter groups (<see cref="Optimizer.LayerRates"/>, discriminative rates) keep their proportions: the schedule runs
/// on the optimizer's own rate, and each group's rate is that result times the group's initial rate over the optimizer's
/// (fastai's schedules over <c>slice(low, high)</c>). So every schedule — including the absolute rates of
/// <see cref="OneCycle"/>'s <c>maxRate</c> and the floors of <see cref="CosineAnnealing"/> and <see cref="ReduceOnPlateau"/> —
/// applies to each group scaled by its share. With one group this is exactly the schedule's rate.
/// </remarks>
public sealed class LearningRateScheduler : Callback
{
    private bool _restored;

    /// <summary>Wraps a schedule.</summary>
    /// <param name="schedule">The schedule.</param>
    /// <param name="verbose">Print the rate whenever it changes at an epoch start.</param>
    public LearningRateScheduler(LearningRateSchedule schedule, bool verbose = false)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        Schedule = schedule;
        Verbose = verbose;
    }

    /// <summary>Wraps a function (epoch, current rate) → new rate, as Keras's <c>LearningRateScheduler(schedule)</c>.</summary>
    public LearningRateScheduler(Func<int, double, double> schedule, bool verbose = false) : this(new LambdaSchedule(schedule), verbose)
    {
    }

    /// <summary>The schedule.</summary>
    public LearningRateSchedule Schedule { get; }

    /// <summary>Whether changes are printed.</summary>
    public bool Verbose { get; }

    /// <inheritdoc />
    public override void OnTrainBegin(Logs logs)
    {
        if (!_restored && (Model?.History.Epochs.Count ?? 0) == 0) Schedule.Reset();
        _restored = false;
    }

    /// <inheritdoc />
    public override void OnEpochBegin(int epoch, Logs logs)
    {
        if (Schedule.Interval != ScheduleInterval.Epoch) return;
        double before = CurrentRate();
        Apply(epoch);
        if (Verbose && IsPrimaryProcess && CurrentRate() != before) Console.WriteLine($"Epoch {epoch + 1}: LearningRateScheduler setting learning rate to {CurrentRate():0.####e+0}.");
    }

    /// <inheritdoc />
    public override void OnTrainBatchBegin(int batch, Logs logs)
    {
        if (Schedule.Interval != ScheduleInterval.Step) return;
        int epoch = State?.Epoch ?? 0;
        Apply(epoch * (Params?.Steps ?? 0) + batch);
    }

    /// <inheritdoc />
    public override void OnEpochEnd(int epoch, Logs logs) => Schedule.OnEpochEnd(epoch, logs);

    private void Apply(long t)
    {
        var optimizer = Model?.TorchOptimizer ?? throw new InvalidOperationException("LearningRateScheduler needs a compiled model.");
        foreach (var group in optimizer.ParamGroups)
        {
            double reference = Model!.Optimizer?.LearningRate ?? group.InitialLearningRate;
            double share = group.InitialLearningRate / reference;
            group.LearningRate = Schedule.GetRate(t, reference, group.LearningRate / share) * share;
        }
    }

    private double CurrentRate() => Model?.TorchOptimizer?.ParamGroups.FirstOrDefault()?.LearningRate ?? double.NaN;

    /// <inheritdoc />
    public override string StateKey => $"LearningRateScheduler({Schedule.GetType().Name})";

    /// <inheritdoc />
    public override void SaveState(BinaryWriter writer) => Schedule.SaveState(writer);

    /// <inheritdoc />
    public override void LoadState(BinaryReader reader)
    {
        Schedule.LoadState(reader);
        _restored = true;
    }
}
