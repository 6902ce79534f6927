using static TorchSharp.torch;

namespace Kernelwise.Data;

/// <summary>
/// A dataset held in two tensors: inputs [N, ...] and targets [N, ...] (class indices as int64 for classification).
/// Batches are one <c>index_select</c> each.
/// </summary>
/// <remarks>Ownership: the dataset owns its tensors (they are detached from any dispose scope) and disposes them.</remarks>
public sealed class TensorDataset : Dataset, IDisposable
{
    /// <summary>Creates the dataset and takes ownership of both tensors.</summary>
    public TensorDataset(Tensor inputs, Tensor targets, IReadOnlyList<string>? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        if (inputs.dim() < 1 || targets.dim() < 1 || inputs.shape[0] != targets.shape[0])
        {
            throw new ArgumentException(
                $"Inputs and targets must have the same first (sample) dimension; received inputs [{string.Join(", ", inputs.shape)}] and targets [{string.Join(", ", targets.shape)}].");
        }
        Inputs = inputs.DetachFromDisposeScope();
        Targets = targets.DetachFromDisposeScope();
        ClassNames = classNames;
    }

    /// <summary>All inputs, [N, ...].</summary>
    public Tensor Inputs { get; }

    /// <summary>All targets, [N, ...].</summary>
    public Tensor Targets { get; }

    /// <summary>Class names in label order, when known.</summary>
    public IReadOnlyList<string>? ClassNames { get; }

    /// <inheritdoc />
    public override long Count => Inputs.shape[0];

    /// <inheritdoc />
    public override (Tensor Input, Tensor Target) GetExample(long index)
    {
        CheckIndex(index);
        return (Inputs[index].clone(), Targets[index].clone());
    }

    /// <inheritdoc />
    public override Batch GetBatch(long[] indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        foreach (var i in indices) CheckIndex(i);
        using var idx = tensor(indices, device: Inputs.device);
        return new Batch(Inputs.index_select(0, idx), Targets.index_select(0, idx));
    }

    /// <summary>The first <paramref name="count"/> samples as a new dataset (copies).</summary>
    public TensorDataset Take(long count)
    {
        count = Math.Min(Guard.Positive(count), Count);
        return new TensorDataset(Inputs.narrow(0, 0, count).clone(), Targets.narrow(0, 0, count).clone(), ClassNames);
    }

    /// <summary>Disposes the tensors.</summary>
    public void Dispose()
    {
        Inputs.Dispose();
        Targets.Dispose();
    }
}
