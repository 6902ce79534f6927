using static TorchSharp.torch;

namespace Kernelwise;

/// <summary>
/// A quantity accumulated exactly over an epoch: <see cref="Reset"/> at the start, <see cref="Update"/> per batch,
/// <see cref="Result"/> at the end. Metrics keep counts, not batch averages, so the result is exact even when the
/// last batch is smaller.
/// </summary>
public abstract class Metric
{
    /// <summary>Key in the logs and the history (<c>accuracy</c>; validation adds the <c>val_</c> prefix).</summary>
    public abstract string Name { get; }

    /// <summary>Clears the accumulated state.</summary>
    public abstract void Reset();

    /// <summary>Adds one batch (called with gradients off; must not keep or dispose the tensors).</summary>
    public abstract void Update(Tensor predictions, Tensor targets);

    /// <summary>The value over everything since the last <see cref="Reset"/>.</summary>
    public abstract double Result();

    /// <summary>A fresh metric with the same configuration (the trainer keeps separate copies for training and validation).</summary>
    public abstract Metric Clone();

    /// <summary>
    /// The accumulated counts, for a checkpoint taken in the middle of an epoch and for data-parallel training, where
    /// the states of all processes are summed element-wise and restored with <see cref="SetState"/> (so the counts
    /// must add up: sums, not means). Null (the default) when the metric cannot be resumed or summed: a resumed epoch
    /// then reports it over the remaining batches only, and a data-parallel run reports each process's own value.
    /// </summary>
    public virtual double[]? GetState() => null;

    /// <summary>Restores counts returned by <see cref="GetState"/>.</summary>
    public virtual void SetState(double[] state) { }
}
