namespace Kernelwise;

/// <summary>
/// Multiplies the rate by <see cref="Gamma"/> every epoch (or batch): <c>lr(t) = lr₀ · γ^t</c> — PyTorch's
/// <c>ExponentialLR</c>; Keras's <c>ExponentialDecay</c> with <c>decay_steps = 1</c>, <c>staircase</c>.
/// </summary>
public sealed class ExponentialDecay : LearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="gamma">Factor per epoch (or batch), in (0, 1].</param>
    /// <param name="interval">Per epoch (default) or per batch.</param>
    public ExponentialDecay(double gamma, ScheduleInterval interval = ScheduleInterval.Epoch) : base(interval)
        => Gamma = Guard.InRange(gamma, double.Epsilon, 1, maxInclusive: true);

    /// <summary>Decay factor.</summary>
    public double Gamma { get; }

    /// <inheritdoc />
    public override double GetRate(long t, double initialRate, double currentRate) => initialRate * Math.Pow(Gamma, t);
}
