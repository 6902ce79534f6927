using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using static TorchSharp.torch;

namespace Kernelwise.Explicit;

/// <summary>
/// col2im ("fold"): the adjoint of <see cref="Im2Col"/>. Each entry of a column-gradient matrix is added back to the
/// input pixel it was copied from; pixels that sat in several windows receive the sum of their contributions.
/// </summary>
/// <remarks>
/// <code>paddedGradient[n, c, oh·s_h + i·d_h, ow·s_w + j·d_w] += columnGradient[(c, i, j), (n, oh, ow)]</code>
/// <para>Within one kernel tap (i, j) the target pixels of different output positions are distinct, so the scatter
/// is kh·kw in-place additions, each between a strided view of the padded gradient and one row-block of the column
/// gradient. With unit strides, the column gradient is laid out in runs (see
/// <see cref="Conv2DGeometry.HasContiguousRuns"/>): each tap is then a contiguous run of the flattened padded plane,
/// and the additions are long and vectorised instead of one short row at a time. On the CPU in float32 those run
/// additions are written out as loops over (c, i, j, n) — one vector loop per run — rather than kh·kw calls of
/// libtorch's generic strided addition.</para>
/// </remarks>
internal static unsafe class Col2Im
{
    /// <summary>
    /// Adds <paramref name="columnGradient"/> into <paramref name="paddedGradient"/> ([B, C, H_p, W_p], contiguous,
    /// zeroed by the caller). The column gradient is [K, B·run] when <see cref="Conv2DGeometry.HasContiguousRuns"/>,
    /// else [K, B·L].
    /// </summary>
    public static void Accumulate(Tensor columnGradient, Tensor paddedGradient, Conv2DGeometry g)
    {
        long samples = paddedGradient.shape[0];
        if (UsesLoops(columnGradient, paddedGradient, g))
        {
            AccumulateRuns(columnGradient, paddedGradient, g, samples);
            return;
        }
        long plane = g.PaddedHeight * g.PaddedWidth;
        long offset = paddedGradient.storage_offset();
        using var taps = g.HasContiguousRuns
            ? columnGradient.view(g.InChannels, g.KernelHeight, g.KernelWidth, samples, g.RunLength)
            : columnGradient.view(g.InChannels, g.KernelHeight, g.KernelWidth, samples, g.OutHeight, g.OutWidth);
        long[] size = g.HasContiguousRuns
            ? new[] { g.InChannels, samples, g.RunLength }
            : new[] { g.InChannels, samples, g.OutHeight, g.OutWidth };
        long[] stride = g.HasContiguousRuns
            ? new[] { plane, g.InChannels * plane, 1L }
            : new[] { plane, g.InChannels * plane, g.StrideHeight * g.PaddedWidth, g.StrideWidth };
        for (long i = 0; i < g.KernelHeight; i++)
        {
            for (long j = 0; j < g.KernelWidth; j++)
            {
                long start = offset + i * g.DilationHeight * g.PaddedWidth + j * g.DilationWidth;
                using var pixels = paddedGradient.as_strided(size, stride, start);
                using var row = taps.select(1, i);
                using var tap = row.select(1, j);
                pixels.add_(tap);
            }
        }
    }

    /// <summary>Whether the run-addition loops apply: float32 on the CPU, unit strides (runs layout), contiguous tensors.</summary>
    internal static bool UsesLoops(Tensor columnGradient, Tensor paddedGradient, Conv2DGeometry g)
        => MatrixProduct.UseVectorKernels && g.HasContiguousRuns && paddedGradient.dtype == ScalarType.Float32
           && paddedGradient.device_type == TorchSharp.DeviceType.CPU && paddedGradient.is_contiguous() && columnGradient.is_contiguous()
           && paddedGradient.numel() > 0 && columnGradient.numel() > 0;

    private static void AccumulateRuns(Tensor columnGradient, Tensor paddedGradient, Conv2DGeometry g, long samples)
    {
        float* source = MatrixProduct.ElementPointer(columnGradient);
        float* target = MatrixProduct.ElementPointer(paddedGradient);
        long plane = g.PaddedHeight * g.PaddedWidth, run = g.RunLength, rowLength = samples * run;
        void Channel(long c)
        {
            for (long i = 0; i < g.KernelHeight; i++)
            {
                for (long j = 0; j < g.KernelWidth; j++)
                {
                    // Tap (i, j) of channel c: run n of its row lands at offset i·d_h·W_p + j·d_w of sample n's plane.
                    float* row = source + ((c * g.KernelHeight + i) * g.KernelWidth + j) * rowLength;
                    long offset = i * g.DilationHeight * g.PaddedWidth + j * g.DilationWidth;
                    for (long n = 0; n < samples; n++)
                        AddRun(row + n * run, target + (n * g.InChannels + c) * plane + offset, (int)run);
                }
            }
        }
        int threads = MatrixProduct.Threads;
        if (threads > 1 && g.InChannels > 1 && columnGradient.numel() >= 1 << 16)
            Parallel.For(0, g.InChannels, new ParallelOptions { MaxDegreeOfParallelism = threads }, c => Channel(c)); // channels write disjoint planes
        else
            for (long c = 0; c < g.InChannels; c++) Channel(c);
    }

    /// <summary>target[k] += source[k] for <paramref name="count"/> floats, 16 at a time; the last partial vector masked.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddRun(float* source, float* target, int count)
    {
        int k = 0;
        for (; k + 16 <= count; k += 16) Vector512.Store(Vector512.Load(target + k) + Vector512.Load(source + k), target + k);
        if (k == count) return;
        if (Avx512F.IsSupported)
        {
            var mask = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(count - k)).AsSingle();
            var sum = Avx512F.MaskLoad(target + k, mask, Vector512<float>.Zero) + Avx512F.MaskLoad(source + k, mask, Vector512<float>.Zero);
            Avx512F.MaskStore(target + k, mask, sum);
            return;
        }
        for (; k < count; k++) target[k] += source[k];
    }
}
