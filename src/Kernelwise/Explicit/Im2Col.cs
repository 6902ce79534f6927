using static TorchSharp.torch;

namespace Kernelwise.Explicit;

/// <summary>
/// im2col ("unfold"): copies every receptive field of a chunk of (padded) images into one column of a matrix, so
/// that the convolution becomes a matrix product.
/// </summary>
/// <remarks>
/// <para>Row (c, i, j) of the column matrix holds kernel tap (i, j) of input channel c; column (b, oh, ow) is the
/// window under output position (oh, ow) of sample b:</para>
/// <code>columns[(c, i, j), (b, oh, ow)] = padded[b, c, oh·s_h + i·d_h, ow·s_w + j·d_w]</code>
/// <para>That whole gather is a single strided view of the padded input — six dimensions, no data moved — and one
/// copy into the (reused) column buffer. Rows are channel-major, so the rows of group g are the contiguous block
/// [g·K_g, (g + 1)·K_g).</para>
/// </remarks>
internal static class Im2Col
{
    /// <summary>
    /// Fills <paramref name="columns"/> ([K, B·L], contiguous) from <paramref name="padded"/> ([B, C, H_p, W_p], any
    /// strides: the input itself when there is no padding).
    /// </summary>
    public static void Fill(Tensor padded, Tensor columns, Conv2DGeometry g)
    {
        long b = padded.shape[0];
        var s = padded.stride(); // sample, channel, row, column steps in storage elements
        using var windows = padded.as_strided(
            new[] { g.InChannels, g.KernelHeight, g.KernelWidth, b, g.OutHeight, g.OutWidth },
            new[] { s[1], g.DilationHeight * s[2], g.DilationWidth * s[3], s[0], g.StrideHeight * s[2], g.StrideWidth * s[3] },
            padded.storage_offset());
        using var target = columns.view(g.InChannels, g.KernelHeight, g.KernelWidth, b, g.OutHeight, g.OutWidth);
        target.copy_(windows);
    }
}
