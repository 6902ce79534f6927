namespace Kernelwise;

/// <summary>The best value of a monitored log key so far, with Keras's improvement rule (better by more than minDelta).</summary>
internal sealed class MonitorTracker
{
    public MonitorTracker(string monitor, MonitorMode mode, double minDelta)
    {
        Monitor = monitor;
        Maximize = mode switch
        {
            MonitorMode.Max => true,
            MonitorMode.Min => false,
            _ => new[] { "acc", "auc", "precision", "recall", "f1" }.Any(k => monitor.Contains(k, StringComparison.OrdinalIgnoreCase)),
        };
        MinDelta = Math.Abs(minDelta);
    }

    public string Monitor { get; }

    public bool Maximize { get; }

    public double MinDelta { get; }

    public double Best { get; private set; } = double.NaN;

    /// <summary>Whether <paramref name="value"/> improves on the best so far (then it becomes the best).</summary>
    public bool Update(double value)
    {
        if (double.IsNaN(value)) return false;
        bool improved = double.IsNaN(Best) || (Maximize ? value - MinDelta > Best : value + MinDelta < Best);
        if (improved) Best = value;
        return improved;
    }

    public void Reset() => Best = double.NaN;

    public void Save(BinaryWriter w) => w.Write(Best);

    public void Load(BinaryReader r) => Best = r.ReadDouble();
}
