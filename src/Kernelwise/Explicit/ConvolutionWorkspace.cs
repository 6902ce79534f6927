using TorchSharp;
using static TorchSharp.torch;

namespace Kernelwise.Explicit;

/// <summary>
/// Scratch buffers of the explicit convolution, kept per thread, device and dtype, and reused from call to call.
/// </summary>
/// <remarks>
/// <para>Why: the column matrices are the largest tensors of the computation, and a freshly allocated buffer is slow
/// to fill on Linux — each new 4 KiB page costs a page fault on first touch, and glibc hands large freed blocks back
/// to the kernel, so every call would fault its buffers in again. Measured here, that made an unfold + matmul
/// convolution many times slower than the arithmetic alone. A buffer that is reused is already mapped.</para>
/// <para>Safety: a buffer is only used inside one forward or one backward call and never escapes it (outputs and
/// gradients are fresh tensors; what backward needs from forward is recomputed from the saved input), so calls that
/// interleave — layer after layer, forward before backward — cannot see each other's scratch. The cache is
/// thread-static: libtorch runs CPU backward passes on the thread that called <c>backward()</c> and CUDA ones on its
/// device threads, each with its own workspace. On CUDA, reuse is ordered by the stream like any other kernel.</para>
/// <para>Ownership: buffers are detached from every dispose scope and live until <see cref="ReleaseCurrentThread"/>
/// or the end of the thread. Each slot grows to the largest size requested and is shared by all layer shapes, so the
/// memory held is bounded by the largest chunk (see <see cref="Conv2DFunction.ChunkElements"/>).</para>
/// </remarks>
internal sealed class ConvolutionWorkspace
{
    /// <summary>The scratch buffers one call can need at the same time.</summary>
    internal enum Slot
    {
        /// <summary>A chunk of the input with its zero border, [B, C, H_p, W_p].</summary>
        PaddedInput,

        /// <summary>The column matrix of a chunk, [K, B·L].</summary>
        Columns,

        /// <summary>W·columns for a chunk, [F, B·L].</summary>
        Product,

        /// <summary>∂L/∂Y of a chunk as rows per filter, [F, B·L].</summary>
        OutputGradient,

        /// <summary>∂L/∂Y of a chunk laid out in runs (unit strides), [F, B, run].</summary>
        OutputGradientRuns,

        /// <summary>Wᵀ·∂L/∂Y for a chunk: the gradient of the column matrix.</summary>
        ColumnGradient,

        /// <summary>∂L/∂X of a chunk with its border, [B, C, H_p, W_p].</summary>
        PaddedInputGradient,
    }

    [ThreadStatic]
    private static Dictionary<(DeviceType, int, ScalarType), ConvolutionWorkspace>? s_perThread;

    private readonly Tensor?[] _buffers = new Tensor?[Enum.GetValues<Slot>().Length];
    private readonly torch.Device _device;
    private readonly ScalarType _dtype;

    private ConvolutionWorkspace(torch.Device device, ScalarType dtype)
    {
        _device = device;
        _dtype = dtype;
    }

    /// <summary>The workspace of the calling thread for this device and dtype.</summary>
    public static ConvolutionWorkspace For(torch.Device device, ScalarType dtype)
    {
        var cache = s_perThread ??= new Dictionary<(DeviceType, int, ScalarType), ConvolutionWorkspace>();
        var key = (device.type, device.index, dtype);
        if (!cache.TryGetValue(key, out var workspace))
        {
            workspace = new ConvolutionWorkspace(device, dtype);
            cache[key] = workspace;
        }
        return workspace;
    }

    /// <summary>Frees every buffer the calling thread holds.</summary>
    public static void ReleaseCurrentThread()
    {
        if (s_perThread is null) return;
        foreach (var workspace in s_perThread.Values)
        {
            for (int i = 0; i < workspace._buffers.Length; i++)
            {
                workspace._buffers[i]?.Dispose();
                workspace._buffers[i] = null;
            }
        }
        s_perThread.Clear();
    }

    /// <summary>Bytes held by the calling thread's buffers.</summary>
    public static long BytesHeldByCurrentThread()
        => s_perThread?.Values.Sum(w => w._buffers.Sum(b => b is null ? 0 : b.numel() * b.ElementSize)) ?? 0;

    /// <summary>
    /// A contiguous tensor of <paramref name="shape"/> over the slot's buffer (grown when too small). Its contents are
    /// whatever the previous user left: callers overwrite or zero it. The view belongs to the caller's dispose scope.
    /// </summary>
    public Tensor Rent(Slot slot, params long[] shape)
    {
        long count = 1;
        foreach (var d in shape) count *= d;
        ref var buffer = ref _buffers[(int)slot];
        if (buffer is null || buffer.numel() < count)
        {
            buffer?.Dispose();
            buffer = empty(new[] { count }, dtype: _dtype, device: _device).DetachFromDisposeScope();
        }
        return buffer.narrow(0, 0, count).view(shape);
    }
}
