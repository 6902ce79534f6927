using static TorchSharp.torch;

namespace Kernelwise.Data;

/// <summary>
/// One mini-batch: inputs [N, ...] and targets [N] (class indices, int64) or [N, ...].
/// The consumer owns the batch and disposes it (the trainer does so at the end of each step).
/// </summary>
/// <remarks>
/// Batches built on a <see cref="DataLoader"/>'s worker threads are created outside any dispose scope (TorchSharp's
/// scopes are per thread), so the batch is their only owner: dispose it, or its tensors live until the finalizer.
/// </remarks>
public sealed class Batch : IDisposable
{
    private static long s_live;
    private int _disposed;

    /// <summary>Wraps the two tensors; the batch takes ownership of them.</summary>
    public Batch(Tensor inputs, Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        Inputs = inputs;
        Targets = targets;
        Interlocked.Increment(ref s_live);
    }

    /// <summary>Inputs, batch first (NCHW for images).</summary>
    public Tensor Inputs { get; }

    /// <summary>Targets, batch first.</summary>
    public Tensor Targets { get; }

    /// <summary>Number of samples.</summary>
    public long Size => Inputs.shape[0];

    /// <summary>Batches created and not yet disposed, over the whole process (a leak check for tests and benchmarks).</summary>
    internal static long LiveCount => Interlocked.Read(ref s_live);

    /// <summary>True once <see cref="Dispose"/> has run.</summary>
    internal bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>Disposes both tensors. Calling it again does nothing.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        Inputs.Dispose();
        Targets.Dispose();
        Interlocked.Decrement(ref s_live);
    }
}
