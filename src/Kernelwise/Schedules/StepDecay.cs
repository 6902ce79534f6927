namespace Kernelwise;

/// <summary>
/// Multiplies the rate by <see cref="Gamma"/> every <see cref="StepSize"/> epochs (or batches):
/// <c>lr(t) = lr₀ · γ^⌊t / stepSize⌋</c> — PyTorch's <c>StepLR</c>.
/// </summary>
public sealed class StepDecay : LearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="stepSize">Epochs (or batches) between decays.</param>
    /// <param name="gamma">Factor applied at each decay, in (0, 1].</param>
    /// <param name="interval">Per epoch (default) or per batch.</param>
    public StepDecay(int stepSize, double gamma = 0.1, ScheduleInterval interval = ScheduleInterval.Epoch) : base(interval)
    {
        StepSize = Guard.Positive(stepSize);
        Gamma = Guard.InRange(gamma, double.Epsilon, 1, maxInclusive: true);
    }

    /// <summary>Epochs (or batches) between decays.</summary>
    public int StepSize { get; }

    /// <summary>Decay factor.</summary>
    public double Gamma { get; }

    /// <inheritdoc />
    public override double GetRate(long t, double initialRate, double currentRate) => initialRate * Math.Pow(Gamma, t / StepSize);
}
