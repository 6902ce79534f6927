using static TorchSharp.torch;

namespace Kernelwise.Data;

/// <summary>
/// A dataset held in tensors: inputs [N, ...] and targets [N, ...] (class indices as int64 for classification) — one
/// of each for an ordinary model, or one per model input and one per model output for a functional model with several.
/// Batches are one <c>index_select</c> per tensor.
/// </summary>
/// <remarks>Ownership: the dataset owns its tensors (they are detached from any dispose scope) and disposes them.</remarks>
public sealed class TensorDataset : Dataset, IDisposable
{
    private readonly Tensor[] _inputs;
    private readonly Tensor[] _targets;

    /// <summary>Creates the dataset and takes ownership of both tensors.</summary>
    public TensorDataset(Tensor inputs, Tensor targets, IReadOnlyList<string>? classNames = null)
        : this(new[] { inputs ?? throw new ArgumentNullException(nameof(inputs)) }, new[] { targets ?? throw new ArgumentNullException(nameof(targets)) }, classNames)
    {
    }

    /// <summary>Creates a dataset with several inputs and targets (in the model's input and output order) and takes ownership of every tensor.</summary>
    public TensorDataset(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor> targets, IReadOnlyList<string>? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        if (inputs.Count == 0) throw new ArgumentException("A TensorDataset needs at least one input tensor.", nameof(inputs));
        var all = inputs.Concat(targets).ToArray();
        for (int i = 0; i < all.Length; i++) ArgumentNullException.ThrowIfNull(all[i], i < inputs.Count ? $"inputs[{i}]" : $"targets[{i - inputs.Count}]");
        long n = all[0].dim() < 1 ? -1 : all[0].shape[0];
        if (all.Any(t => t.dim() < 1 || t.shape[0] != n))
        {
            throw new ArgumentException(
                $"Every input and target must have the same first (sample) dimension; received inputs {string.Join(", ", inputs.Select(Dims))} and targets {string.Join(", ", targets.Select(Dims))}.");
        }
        _inputs = inputs.Select(t => t.DetachFromDisposeScope()).ToArray();
        _targets = targets.Select(t => t.DetachFromDisposeScope()).ToArray();
        ClassNames = classNames;
    }

    private static string Dims(Tensor t) => "[" + string.Join(", ", t.shape) + "]";

    /// <summary>All inputs, [N, ...] (the first input tensor of a dataset with several).</summary>
    public Tensor Inputs => _inputs[0];

    /// <summary>All targets, [N, ...] (the first target tensor of a dataset with several).</summary>
    public Tensor Targets => _targets[0];

    /// <summary>Every input tensor, in the model's input order.</summary>
    public IReadOnlyList<Tensor> InputTensors => _inputs;

    /// <summary>Every target tensor, in the model's output order.</summary>
    public IReadOnlyList<Tensor> TargetTensors => _targets;

    /// <summary>Class names by index, when known (Fashion-MNIST's, for example).</summary>
    public IReadOnlyList<string>? ClassNames { get; }

    /// <inheritdoc />
    public override long Count => _inputs[0].shape[0];

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The dataset has several inputs or targets (use <see cref="GetBatch(long[])"/>).</exception>
    public override (Tensor Input, Tensor Target) GetExample(long index)
    {
        CheckIndex(index);
        if (_inputs.Length != 1 || _targets.Length != 1)
            throw new InvalidOperationException($"This TensorDataset has {_inputs.Length} inputs and {_targets.Length} targets; a single example is one of each. Use GetBatch, which returns them all.");
        return (_inputs[0][index].clone(), _targets[0][index].clone());
    }

    /// <inheritdoc />
    public override Batch GetBatch(long[] indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        foreach (var i in indices) CheckIndex(i);
        using var idx = tensor(indices, device: _inputs[0].device);
        return new Batch(_inputs.Select(t => t.index_select(0, idx)).ToArray(), _targets.Select(t => t.index_select(0, idx)).ToArray());
    }

    /// <summary>The first <paramref name="count"/> samples, copied into a new dataset (which the caller disposes).</summary>
    public TensorDataset Take(long count)
    {
        count = Math.Min(Guard.Positive(count), Count);
        return new TensorDataset(_inputs.Select(t => t.narrow(0, 0, count).clone()).ToArray(), _targets.Select(t => t.narrow(0, 0, count).clone()).ToArray(), ClassNames);
    }

    /// <summary>Disposes the tensors.</summary>
    public void Dispose()
    {
        foreach (var t in _inputs) t.Dispose();
        foreach (var t in _targets) t.Dispose();
    }
}
