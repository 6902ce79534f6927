namespace Kernelwise;

/// <summary>
/// A schedule given as a function of the epoch and the current rate — Keras's <c>LearningRateScheduler(schedule)</c>
/// where <c>schedule(epoch, lr)</c> returns the new rate. Advances per epoch.
/// </summary>
public sealed class LambdaSchedule : LearningRateSchedule
{
    private readonly Func<int, double, double> _schedule;

    /// <summary>Creates the schedule.</summary>
    /// <param name="schedule">(epoch, current rate) → new rate; must return a finite positive value.</param>
    public LambdaSchedule(Func<int, double, double> schedule) : base(ScheduleInterval.Epoch)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        _schedule = schedule;
    }

    /// <inheritdoc />
    public override double GetRate(long t, double initialRate, double currentRate)
    {
        double rate = _schedule((int)t, currentRate);
        if (!(rate > 0) || double.IsInfinity(rate))
            throw new InvalidOperationException($"The learning-rate schedule returned {rate} for epoch {t}; expected a finite positive rate.");
        return rate;
    }
}
