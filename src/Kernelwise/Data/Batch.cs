using static TorchSharp.torch;

namespace Kernelwise.Data;

/// <summary>
/// One mini-batch: the inputs [N, ...] and the targets [N] (class indices, int64) or [N, ...] — one tensor each for
/// an ordinary model, one tensor per input and per output for a model with several (<see cref="InputTensors"/>,
/// <see cref="TargetTensors"/>). The consumer owns the batch and disposes it (the trainer does so at the end of each step).
/// </summary>
/// <remarks>
/// Batches built on a <see cref="DataLoader"/>'s worker threads are created outside any dispose scope (TorchSharp's
/// scopes are per thread), so the batch is their only owner: dispose it, or its tensors live until the finalizer.
/// </remarks>
public sealed class Batch : IDisposable
{
    private static long s_live;
    private int _disposed;
    private readonly Tensor[] _inputs;
    private readonly Tensor[] _targets;

    /// <summary>Wraps one input and one target tensor; the batch takes ownership of them.</summary>
    public Batch(Tensor inputs, Tensor targets) : this(new[] { inputs ?? throw new ArgumentNullException(nameof(inputs)) },
        new[] { targets ?? throw new ArgumentNullException(nameof(targets)) })
    {
    }

    /// <summary>Wraps one tensor per model input and one per model output (none for prediction); the batch takes ownership of them.</summary>
    public Batch(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor> targets)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        if (inputs.Count == 0) throw new ArgumentException("A batch needs at least one input tensor.", nameof(inputs));
        for (int i = 0; i < inputs.Count; i++) ArgumentNullException.ThrowIfNull(inputs[i], $"inputs[{i}]");
        for (int i = 0; i < targets.Count; i++) ArgumentNullException.ThrowIfNull(targets[i], $"targets[{i}]");
        _inputs = inputs.ToArray();
        _targets = targets.ToArray();
        Interlocked.Increment(ref s_live);
    }

    /// <summary>The input tensor, batch first (NCHW for images), of a batch with one input.</summary>
    public Tensor Inputs => _inputs.Length == 1 ? _inputs[0] : throw new InvalidOperationException($"This batch has {_inputs.Length} input tensors; use InputTensors.");

    /// <summary>The target tensor, batch first, of a batch with one target.</summary>
    public Tensor Targets => _targets.Length == 1 ? _targets[0] : throw new InvalidOperationException($"This batch has {_targets.Length} target tensors; use TargetTensors.");

    /// <summary>One tensor per model input, batch first.</summary>
    public IReadOnlyList<Tensor> InputTensors => _inputs;

    /// <summary>One tensor per model output, batch first (empty for prediction batches).</summary>
    public IReadOnlyList<Tensor> TargetTensors => _targets;

    /// <summary>Number of samples.</summary>
    public long Size => _inputs[0].shape[0];

    /// <summary>Batches created and not yet disposed, over the whole process (a leak check for tests and benchmarks).</summary>
    internal static long LiveCount => Interlocked.Read(ref s_live);

    /// <summary>True once <see cref="Dispose"/> has run.</summary>
    internal bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>Disposes every tensor. Calling it again does nothing.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        foreach (var t in _inputs) t.Dispose();
        foreach (var t in _targets) t.Dispose();
        Interlocked.Decrement(ref s_live);
    }
}
