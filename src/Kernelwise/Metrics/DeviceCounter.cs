using static TorchSharp.torch;

namespace Kernelwise;

/// <summary>
/// A count kept where the predictions are (CPU or GPU): each batch adds a tensor without waiting for the device; the
/// host reads the total only when a metric's result is asked for. Detached from every dispose scope; owned by its metric.
/// </summary>
internal sealed class DeviceCounter
{
    private Tensor? _count;
    private long _offset;

    /// <summary>Adds <paramref name="amount"/> (an integer tensor of any shape; its elements are counts of the same shape as the counter).</summary>
    public void Add(Tensor amount)
    {
        if (_count is null || _count.device != amount.device || !_count.shape.SequenceEqual(amount.shape))
        {
            long[] carried = _count is null ? Array.Empty<long>() : Read();
            _count?.Dispose();
            _count = zeros(amount.shape, dtype: ScalarType.Int64, device: amount.device).DetachFromDisposeScope();
            if (carried.Length == _count.numel())
            {
                using var host = tensor(carried, dtype: ScalarType.Int64);
                using var shaped = host.reshape(amount.shape);
                using var c = shaped.to(amount.device);
                _count.add_(c);
            }
            else if (carried.Length == 1) _offset += carried[0];
        }
        if (amount.dtype == ScalarType.Int64) _count.add_(amount);
        else
        {
            using var converted = amount.to_type(ScalarType.Int64);
            _count.add_(converted);
        }
    }

    /// <summary>The total of a scalar counter.</summary>
    public long Value
    {
        get
        {
            if (_count is null) return _offset;
            if (_count.numel() == 1) return _count.item<long>() + _offset;
            using var sum = _count.sum();
            return sum.item<long>() + _offset;
        }
    }

    /// <summary>The totals of a counter of several elements, in order.</summary>
    public long[] Read()
    {
        if (_count is null) return Array.Empty<long>();
        using var host = _count.cpu();
        return host.data<long>().ToArray();
    }

    /// <summary>Sets a scalar counter (checkpoints, sums across processes).</summary>
    public void Set(long value)
    {
        Reset();
        _offset = value;
    }

    /// <summary>Sets a counter of several elements.</summary>
    public void Set(long[] values, long[] shape)
    {
        Reset();
        using var flat = tensor(values, dtype: ScalarType.Int64);
        _count = flat.reshape(shape).DetachFromDisposeScope();
    }

    public void Reset()
    {
        _count?.Dispose();
        _count = null;
        _offset = 0;
    }
}
