using static TorchSharp.torch;

namespace Kernelwise.Data;

/// <summary>
/// One mini-batch: inputs [N, ...] and targets [N] (class indices, int64) or [N, ...].
/// The consumer owns the batch and disposes it (the trainer does so at the end of each step).
/// </summary>
public sealed class Batch : IDisposable
{
    /// <summary>Wraps the two tensors; the batch takes ownership of them.</summary>
    public Batch(Tensor inputs, Tensor targets)
    {
        Inputs = inputs;
        Targets = targets;
    }

    /// <summary>Inputs, batch first (NCHW for images).</summary>
    public Tensor Inputs { get; }

    /// <summary>Targets, batch first.</summary>
    public Tensor Targets { get; }

    /// <summary>Number of samples.</summary>
    public long Size => Inputs.shape[0];

    /// <summary>Disposes both tensors.</summary>
    public void Dispose()
    {
        Inputs.Dispose();
        Targets.Dispose();
    }
}
