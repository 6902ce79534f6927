namespace Kernelwise;

/// <summary>
/// Linear warm-up, then a half cosine from the initial rate down to <see cref="MinRate"/> — PyTorch's
/// <c>CosineAnnealingLR</c> (without warm-up), Keras's <c>CosineDecay</c> with <c>warmup_steps</c>:
/// <code>
/// t &lt; W:      lr = lr₀ · (t + 1) / W
/// W ≤ t &lt; T:  lr = min + (lr₀ − min) · (1 + cos(π · (t − W) / (T − W))) / 2
/// t ≥ T:      lr = min
/// </code>
/// with W = <see cref="WarmupSteps"/> and T = <see cref="TotalSteps"/> (epochs or batches, per <see cref="LearningRateSchedule.Interval"/>).
/// </summary>
public sealed class CosineAnnealing : LearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="totalSteps">T: epochs (or batches) until the rate reaches <paramref name="minRate"/>, warm-up included.</param>
    /// <param name="minRate">The final rate (PyTorch's <c>eta_min</c>).</param>
    /// <param name="warmupSteps">W: epochs (or batches) of linear warm-up, below <paramref name="totalSteps"/>.</param>
    /// <param name="interval">Per epoch (default) or per batch.</param>
    public CosineAnnealing(long totalSteps, double minRate = 0, long warmupSteps = 0, ScheduleInterval interval = ScheduleInterval.Epoch) : base(interval)
    {
        TotalSteps = Guard.Positive(totalSteps);
        MinRate = Guard.NonNegative(minRate);
        if (warmupSteps < 0 || warmupSteps >= totalSteps)
            throw new ArgumentOutOfRangeException(nameof(warmupSteps), warmupSteps, $"Invalid value for argument warmupSteps. Expected a value in [0, totalSteps={totalSteps}). Received warmupSteps={warmupSteps}.");
        WarmupSteps = warmupSteps;
    }

    /// <summary>T, the length of warm-up plus decay.</summary>
    public long TotalSteps { get; }

    /// <summary>The final rate.</summary>
    public double MinRate { get; }

    /// <summary>W, the warm-up length.</summary>
    public long WarmupSteps { get; }

    /// <inheritdoc />
    public override double GetRate(long t, double initialRate, double currentRate)
    {
        if (t < WarmupSteps) return initialRate * (t + 1) / WarmupSteps;
        if (t >= TotalSteps) return MinRate;
        double progress = (double)(t - WarmupSteps) / (TotalSteps - WarmupSteps);
        return MinRate + (initialRate - MinRate) * (1 + Math.Cos(Math.PI * progress)) / 2;
    }
}
