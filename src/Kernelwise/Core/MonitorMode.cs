namespace Kernelwise;

/// <summary>Whether a monitored quantity improves by going down or up (Keras's <c>mode</c>).</summary>
public enum MonitorMode
{
    /// <summary>Maximise names containing <c>acc</c>, <c>auc</c>, <c>precision</c>, <c>recall</c> or <c>f1</c>; minimise everything else (losses).</summary>
    Auto,

    /// <summary>Smaller is better (losses).</summary>
    Min,

    /// <summary>Larger is better (accuracy).</summary>
    Max,
}
