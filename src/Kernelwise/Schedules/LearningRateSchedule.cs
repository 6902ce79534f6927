namespace Kernelwise;

/// <summary>
/// A learning-rate schedule: the rate as a function of training time t (epochs or batches since the start of
/// training, see <see cref="Interval"/>). Apply it with <c>LearningRateScheduler</c>, which sets every
/// parameter group's rate before each epoch or batch; the rate in force is logged each epoch as <c>lr</c>.
/// </summary>
/// <remarks>
/// <para>Schedules written as formulas of t (step, exponential, cosine, one-cycle) need no memory: a resumed run
/// recomputes the same rate from the epoch and batch it resumes at. Schedules that react to results
/// (<see cref="ReduceOnPlateau"/>) keep state, saved in training checkpoints through <see cref="SaveState"/> and
/// <see cref="LoadState"/>. TorchSharp's own schedulers have no state dict, which is why Kernelwise has its own.</para>
/// </remarks>
public abstract class LearningRateSchedule
{
    /// <summary>Stores the interval.</summary>
    protected LearningRateSchedule(ScheduleInterval interval) => Interval = interval;

    /// <summary>Whether the schedule advances per epoch or per batch.</summary>
    public ScheduleInterval Interval { get; }

    /// <summary>The rate at time <paramref name="t"/>.</summary>
    /// <param name="t">Epochs or batches since the start of training (zero-based).</param>
    /// <param name="initialRate">The parameter group's initial rate (the optimizer's <c>learningRate</c>).</param>
    /// <param name="currentRate">The rate in force now (for schedules defined by a recurrence).</param>
    public abstract double GetRate(long t, double initialRate, double currentRate);

    /// <summary>Called after every epoch with its logs (for schedules that react to results); does nothing by default.</summary>
    public virtual void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs) { }

    /// <summary>Forgets what was observed (called when a new, non-resumed training run starts).</summary>
    public virtual void Reset() { }

    /// <summary>Writes the schedule's state for a checkpoint (nothing for formula schedules).</summary>
    public virtual void SaveState(BinaryWriter writer) { }

    /// <summary>Reads what <see cref="SaveState"/> wrote.</summary>
    public virtual void LoadState(BinaryReader reader) { }
}
