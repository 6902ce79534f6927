using TorchSharp;
using static TorchSharp.torch;

namespace Kernelwise.Distributed;

/// <summary>
/// Checks that a tensor can be handed to a collective without a copy, and walks its memory in pieces that fit the
/// 32-bit counts of MPI and of <see cref="Tensor.bytes"/>.
/// </summary>
internal static class TensorBuffers
{
    /// <summary>Largest piece passed to one native call: 1 GiB (MPI counts are <c>int</c>; <c>Tensor.bytes</c> is a <c>Span</c>).</summary>
    public const long MaxChunkBytes = 1L << 30;

    public static void CheckContiguous(Tensor tensor, DeviceType device, string operation)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.device_type != device)
        {
            throw new ArgumentException(
                $"{operation} expected a tensor on {device}; received one on {tensor.device}. Move it with .to(...) first, or use a backend for that device.",
                nameof(tensor));
        }
        if (!tensor.is_contiguous())
        {
            throw new ArgumentException(
                $"{operation} works in place on the tensor's memory, so it expected a contiguous tensor; received a non-contiguous one " +
                $"of shape [{string.Join(", ", tensor.shape)}] with strides [{string.Join(", ", tensor.stride())}]. Call .contiguous() and reduce that copy.",
                nameof(tensor));
        }
    }

    public static void CheckReducible(Tensor tensor, DeviceType device, string operation)
    {
        CheckContiguous(tensor, device, operation);
        if (tensor.dtype is not (ScalarType.Float32 or ScalarType.Float64 or ScalarType.Int64))
        {
            throw new ArgumentException(
                $"{operation} sums float32, float64 or int64 tensors; received a tensor of type {tensor.dtype}. Convert it with .to(ScalarType.Float32) first.",
                nameof(tensor));
        }
    }

    public static void CheckRoot(int root, int size)
    {
        if (root < 0 || root >= size)
        {
            throw new ArgumentOutOfRangeException(nameof(root), root,
                $"Invalid value for argument root. Expected a rank from 0 to {size - 1} (the group has {size} rank(s)). Received root={root}.");
        }
    }

    /// <summary>
    /// Calls <paramref name="action"/> with the address and element count of each piece of the (contiguous, CPU)
    /// tensor's memory, at most <see cref="MaxChunkBytes"/> per piece. Nothing is called for an empty tensor.
    /// </summary>
    public static unsafe void ForEachChunk(Tensor tensor, Action<IntPtr, int> action)
    {
        long count = tensor.numel();
        if (count == 0) return;
        long elementSize = tensor.element_size();
        long perChunk = MaxChunkBytes / elementSize;
        if (count <= perChunk)
        {
            fixed (byte* p = tensor.bytes) action((IntPtr)p, (int)count);
            return;
        }
        using var flat = tensor.view(-1);
        for (long start = 0; start < count; start += perChunk)
        {
            long n = Math.Min(perChunk, count - start);
            using var piece = flat.narrow(0, start, n);
            fixed (byte* p = piece.bytes) action((IntPtr)p, (int)n);
        }
    }
}
