using Kernelwise.Data;
using static TorchSharp.torch;

namespace Kernelwise.Training;

/// <summary>
/// A contiguous range [start, start + count) of another dataset, without copying — how <c>validationSplit</c> holds
/// out the last fraction of the training samples (as Keras does, before any shuffling).
/// </summary>
internal sealed class DatasetSlice : Dataset
{
    private readonly Dataset _source;
    private readonly long _start;
    private readonly long _count;

    public DatasetSlice(Dataset source, long start, long count)
    {
        _source = source;
        _start = start;
        _count = count;
    }

    public override long Count => _count;

    public override (Tensor Input, Tensor Target) GetExample(long index) => _source.GetExample(_start + CheckIndex(index));

    public override Batch GetBatch(long[] indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var shifted = new long[indices.Length];
        for (int i = 0; i < indices.Length; i++) shifted[i] = _start + CheckIndex(indices[i]);
        return _source.GetBatch(shifted);
    }
}
