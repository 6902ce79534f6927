namespace Kernelwise;

/// <summary>
/// The one-cycle policy (Smith and Topin, 2018) — PyTorch's <c>OneCycleLR</c> with cosine annealing, two phases:
/// from <c>max/divFactor</c> up to <c>max</c> over the first <see cref="PercentStart"/> of the steps, then down to
/// <c>max/(divFactor·finalDivFactor)</c>, each phase a half cosine:
/// <code>
/// phase 1 (0 ≤ t ≤ p·T − 1):       lr = cos_anneal(max/div, max, t / (p·T − 1))
/// phase 2 (p·T − 1 &lt; t ≤ T − 1):  lr = cos_anneal(max, max/(div·finalDiv), (t − (p·T − 1)) / (T − p·T))
/// cos_anneal(a, b, x) = b + (a − b) · (1 + cos(π·x)) / 2
/// </code>
/// Advances per batch by default. Only the learning rate cycles (PyTorch also cycles momentum by default).
/// </summary>
public sealed class OneCycle : LearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="totalSteps">T: batches (or epochs) in the whole cycle, usually epochs · stepsPerEpoch.</param>
    /// <param name="maxRate">Peak rate; null uses the optimizer's learning rate.</param>
    /// <param name="percentStart">Fraction p of the cycle spent increasing, in (0, 1).</param>
    /// <param name="divFactor">Initial rate = max / divFactor.</param>
    /// <param name="finalDivFactor">Final rate = initial / finalDivFactor.</param>
    /// <param name="interval">Per batch (default) or per epoch.</param>
    public OneCycle(long totalSteps, double? maxRate = null, double percentStart = 0.3, double divFactor = 25, double finalDivFactor = 1e4,
        ScheduleInterval interval = ScheduleInterval.Step) : base(interval)
    {
        TotalSteps = Guard.Positive(totalSteps);
        if (totalSteps < 2) throw new ArgumentOutOfRangeException(nameof(totalSteps), totalSteps, $"Invalid value for argument totalSteps. Expected at least 2. Received totalSteps={totalSteps}.");
        if (maxRate is double m) Guard.Positive(m, nameof(maxRate));
        MaxRate = maxRate;
        PercentStart = Guard.InRange(percentStart, 0, 1, maxInclusive: false);
        if (percentStart == 0) throw new ArgumentOutOfRangeException(nameof(percentStart), percentStart, "Invalid value for argument percentStart. Expected a value in (0, 1). Received percentStart=0.");
        DivFactor = Guard.Positive(divFactor);
        FinalDivFactor = Guard.Positive(finalDivFactor);
    }

    /// <summary>T, the cycle length.</summary>
    public long TotalSteps { get; }

    /// <summary>The peak rate, or null for the optimizer's rate.</summary>
    public double? MaxRate { get; }

    /// <summary>Fraction of the cycle spent increasing.</summary>
    public double PercentStart { get; }

    /// <summary>Divisor giving the initial rate.</summary>
    public double DivFactor { get; }

    /// <summary>Divisor giving the final rate from the initial one.</summary>
    public double FinalDivFactor { get; }

    /// <inheritdoc />
    /// <remarks>After the cycle (t ≥ T) the rate stays at the final value.</remarks>
    public override double GetRate(long t, double initialRate, double currentRate)
    {
        double max = MaxRate ?? initialRate;
        double start = max / DivFactor;
        double end = start / FinalDivFactor;
        double step = Math.Min(t, TotalSteps - 1);
        double peakStep = PercentStart * TotalSteps - 1;
        double lastStep = TotalSteps - 1;
        if (step <= peakStep) return Anneal(start, max, peakStep <= 0 ? 1 : step / peakStep);
        return Anneal(max, end, (step - peakStep) / (lastStep - peakStep));
    }

    private static double Anneal(double from, double to, double fraction) => to + (from - to) * (1 + Math.Cos(Math.PI * fraction)) / 2;
}
