using static TorchSharp.torch;

namespace Kernelwise.Explicit;

/// <summary>
/// col2im ("fold"): the adjoint of <see cref="Im2Col"/>. Each entry of a column-gradient matrix is added back to the
/// input pixel it was copied from; pixels that sat in several windows receive the sum of their contributions.
/// </summary>
/// <remarks>
/// <code>paddedGradient[b, c, oh·s_h + i·d_h, ow·s_w + j·d_w] += columnGradient[(c, i, j), (b, oh, ow)]</code>
/// <para>Within one kernel tap (i, j) the target pixels of different output positions are distinct, so the scatter
/// is kh·kw in-place additions, each between a strided view of the padded gradient and one row-block of the column
/// gradient. With unit strides, the column gradient is laid out in runs (see
/// <see cref="Conv2DGeometry.HasContiguousRuns"/>): each tap is then a contiguous run of the flattened padded plane,
/// and the additions are long and vectorised instead of one short row at a time.</para>
/// </remarks>
internal static class Col2Im
{
    /// <summary>
    /// Adds <paramref name="columnGradient"/> into <paramref name="paddedGradient"/> ([B, C, H_p, W_p], contiguous,
    /// zeroed by the caller). The column gradient is [K, B·run] when <see cref="Conv2DGeometry.HasContiguousRuns"/>,
    /// else [K, B·L].
    /// </summary>
    public static void Accumulate(Tensor columnGradient, Tensor paddedGradient, Conv2DGeometry g)
    {
        long b = paddedGradient.shape[0];
        long plane = g.PaddedHeight * g.PaddedWidth;
        long offset = paddedGradient.storage_offset();
        using var taps = g.HasContiguousRuns
            ? columnGradient.view(g.InChannels, g.KernelHeight, g.KernelWidth, b, g.RunLength)
            : columnGradient.view(g.InChannels, g.KernelHeight, g.KernelWidth, b, g.OutHeight, g.OutWidth);
        long[] size = g.HasContiguousRuns
            ? new[] { g.InChannels, b, g.RunLength }
            : new[] { g.InChannels, b, g.OutHeight, g.OutWidth };
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
}
