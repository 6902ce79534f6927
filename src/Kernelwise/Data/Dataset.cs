using static TorchSharp.torch;

namespace Kernelwise.Data;

/// <summary>
/// A finite, indexable collection of (input, target) samples — PyTorch's map-style dataset.
/// </summary>
/// <remarks>
/// <see cref="GetExample"/> and <see cref="GetBatch"/> return fresh tensors that the caller owns; they must be
/// thread-safe, because data loaders call them from several worker threads at once. Subclasses that hold their data
/// in one tensor override <see cref="GetBatch"/> with a single gather, which is much faster than stacking examples.
/// </remarks>
public abstract class Dataset
{
    /// <summary>Number of samples.</summary>
    public abstract long Count { get; }

    /// <summary>The sample at <paramref name="index"/>: input (e.g. [C, H, W]) and target (a scalar class index or a tensor).</summary>
    public abstract (Tensor Input, Tensor Target) GetExample(long index);

    /// <summary>The samples at <paramref name="indices"/>, stacked along a new first dimension.</summary>
    public virtual Batch GetBatch(long[] indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        if (indices.Length == 0) throw new ArgumentException("A batch needs at least one index.", nameof(indices));
        var inputs = new Tensor[indices.Length];
        var targets = new Tensor[indices.Length];
        try
        {
            for (int i = 0; i < indices.Length; i++) (inputs[i], targets[i]) = GetExample(CheckIndex(indices[i]));
            return new Batch(stack(inputs), stack(targets));
        }
        finally
        {
            foreach (var t in inputs) t?.Dispose();
            foreach (var t in targets) t?.Dispose();
        }
    }

    /// <summary>Throws a clear error for an index outside [0, Count).</summary>
    protected long CheckIndex(long index)
    {
        if (index < 0 || index >= Count)
            throw new ArgumentOutOfRangeException(nameof(index), $"Index {index} is out of range for {GetType().Name} with {Count} samples.");
        return index;
    }
}
