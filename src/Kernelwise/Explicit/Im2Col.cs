using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using static TorchSharp.torch;

namespace Kernelwise.Explicit;

/// <summary>
/// im2col ("unfold"): copies every receptive field of a chunk of (padded) images into one column of a matrix, so
/// that the convolution becomes a matrix product.
/// </summary>
/// <remarks>
/// <para>Row (c, i, j) of the column matrix holds kernel tap (i, j) of input channel c; column (n, oh, ow) is the
/// window under output position (oh, ow) of sample n:</para>
/// <code>columns[(c, i, j), (n, oh, ow)] = padded[n, c, oh·s_h + i·d_h, ow·s_w + j·d_w]</code>
/// <para>That whole gather is a single strided view of the padded input — six dimensions, no data moved — and one
/// copy into the (reused) column buffer. Rows are channel-major, so the rows of group g are the contiguous block
/// [g·K_g, (g + 1)·K_g).</para>
/// <para>On the CPU in float32 with unit horizontal stride the same gather runs as the loops the formula reads as: for
/// each row (c, i, j), sample n and output row oh, the OW values padded[n, c, oh·s_h + i·d_h, j·d_w ...] are one
/// contiguous run, copied with vector instructions. libtorch's generic strided copy spends most of its time stepping
/// through the six dimensions for runs this short (OW = 14 in the tutorial network); the loops are about twice as
/// fast.</para>
/// </remarks>
internal static unsafe class Im2Col
{
    /// <summary>
    /// Fills <paramref name="columns"/> ([K, B·L], contiguous) from <paramref name="padded"/> ([B, C, H_p, W_p], any
    /// strides: the input itself when there is no padding).
    /// </summary>
    public static void Fill(Tensor padded, Tensor columns, Conv2DGeometry g)
    {
        long samples = padded.shape[0];
        if (UsesLoops(padded, columns, g))
        {
            FillByRows(padded, columns, g, samples);
            return;
        }
        var s = padded.stride(); // sample, channel, row, column steps in storage elements
        using var windows = padded.as_strided(
            new[] { g.InChannels, g.KernelHeight, g.KernelWidth, samples, g.OutHeight, g.OutWidth },
            new[] { s[1], g.DilationHeight * s[2], g.DilationWidth * s[3], s[0], g.StrideHeight * s[2], g.StrideWidth * s[3] },
            padded.storage_offset());
        using var target = columns.view(g.InChannels, g.KernelHeight, g.KernelWidth, samples, g.OutHeight, g.OutWidth);
        target.copy_(windows);
    }

    /// <summary>Whether the row-copy loops apply: float32 on the CPU, unit horizontal stride, rows of the input contiguous.</summary>
    internal static bool UsesLoops(Tensor padded, Tensor columns, Conv2DGeometry g)
        => MatrixProduct.UseVectorKernels && padded.dtype == ScalarType.Float32 && padded.device_type == TorchSharp.DeviceType.CPU
           && g.StrideWidth == 1 && padded.stride(3) == 1 && columns.is_contiguous() && padded.numel() > 0 && columns.numel() > 0;

    private static void FillByRows(Tensor padded, Tensor columns, Conv2DGeometry g, long samples)
    {
        float* source = MatrixProduct.ElementPointer(padded);
        float* target = MatrixProduct.ElementPointer(columns);
        var s = padded.stride();
        long rowLength = samples * g.Positions;
        int width = (int)g.OutWidth;
        void Channel(long c)
        {
            for (long i = 0; i < g.KernelHeight; i++)
            {
                for (long j = 0; j < g.KernelWidth; j++)
                {
                    float* row = target + ((c * g.KernelHeight + i) * g.KernelWidth + j) * rowLength;
                    for (long n = 0; n < samples; n++)
                    {
                        float* window = source + n * s[0] + c * s[1] + i * g.DilationHeight * s[2] + j * g.DilationWidth;
                        for (long oh = 0; oh < g.OutHeight; oh++, row += width)
                            CopyRow(window + oh * g.StrideHeight * s[2], row, width);
                    }
                }
            }
        }
        int threads = MatrixProduct.Threads;
        if (threads > 1 && g.InChannels > 1 && columns.numel() >= 1 << 16)
            Parallel.For(0, g.InChannels, new ParallelOptions { MaxDegreeOfParallelism = threads }, c => Channel(c));
        else
            for (long c = 0; c < g.InChannels; c++) Channel(c);
    }

    /// <summary>Copies <paramref name="count"/> floats, 16 at a time; the last partial vector with a masked load and store.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyRow(float* source, float* target, int count)
    {
        int k = 0;
        for (; k + 16 <= count; k += 16) Vector512.Store(Vector512.Load(source + k), target + k);
        if (k == count) return;
        if (Avx512F.IsSupported)
        {
            var mask = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(count - k)).AsSingle();
            Avx512F.MaskStore(target + k, mask, Avx512F.MaskLoad(source + k, mask, Vector512<float>.Zero));
            return;
        }
        for (; k < count; k++) target[k] = source[k];
    }
}
