namespace Kernelwise;

/// <summary>How often a learning-rate schedule advances (Lightning's <c>interval</c>).</summary>
public enum ScheduleInterval
{
    /// <summary>Once per epoch, before it starts; t is the zero-based epoch index.</summary>
    Epoch,

    /// <summary>Once per training batch, before it runs; t = epoch · stepsPerEpoch + batch.</summary>
    Step,
}
