namespace Kernelwise.Shapes;

/// <summary>
/// The one place where Kernelwise computes output sizes. Every convolution and pooling layer calls it, at model
/// build time, with plain integers — no tensors.
/// <list type="bullet">
/// <item>Convolution and pooling: ⌊(n + p_before + p_after − d(k − 1) − 1) / s⌋ + 1 (with symmetric padding p: n + 2p).</item>
/// <item>Transposed convolution: (n − 1)s − 2p + d(k − 1) + output_padding + 1; with "same", n·s.</item>
/// <item>"Same" padding (TensorFlow's rule): output ⌈n / s⌉, total padding max((out − 1)s + d(k − 1) + 1 − n, 0),
/// split with the odd element at the end.</item>
/// </list>
/// Layers resolve their <see cref="Padding"/> through <see cref="ResolvePadding"/> (convolution and pooling) and
/// <see cref="ResolveTransposedCropping"/> (transposed convolution), nowhere else.
/// </summary>
public static class ConvolutionArithmetic
{
    /// <summary>The span a dilated kernel covers: d(k − 1) + 1.</summary>
    public static int EffectiveKernel(int kernel, int dilation) => dilation * (kernel - 1) + 1;

    /// <summary>
    /// Output length of a convolution or pooling window along one dimension:
    /// ⌊(n + padBefore + padAfter − d(k − 1) − 1) / s⌋ + 1. May be below 1 — callers report that.
    /// </summary>
    public static int OutputSize(int n, int kernel, int stride = 1, int padBefore = 0, int padAfter = 0, int dilation = 1, bool ceilMode = false)
    {
        long span = (long)n + padBefore + padAfter - EffectiveKernel(kernel, dilation);
        long q = ceilMode ? CeilDiv(span, stride) : FloorDiv(span, stride);
        // PyTorch's ceil-mode rule: the last window must start inside the input or its left padding.
        if (ceilMode && span >= 0 && q * stride >= (long)n + padBefore) q--;
        return (int)Math.Clamp(q + 1, int.MinValue, int.MaxValue);
    }

    private static long FloorDiv(long a, long b) => a >= 0 ? a / b : -((-a + b - 1) / b);

    private static long CeilDiv(long a, long b) => -FloorDiv(-a, b);

    /// <summary>Output length of a transposed convolution: (n − 1)s − 2p + d(k − 1) + outputPadding + 1.</summary>
    public static int TransposedOutputSize(int n, int kernel, int stride = 1, int padding = 0, int dilation = 1, int outputPadding = 0)
        => (n - 1) * stride - 2 * padding + dilation * (kernel - 1) + outputPadding + 1;

    /// <summary>
    /// Output length of a transposed convolution whose full output ((n − 1)s + d(k − 1) + 1 values) is cropped by
    /// <paramref name="cropBefore"/> at the start and <paramref name="cropAfter"/> at the end (a negative crop extends),
    /// then extended by <paramref name="outputPadding"/> at the end:
    /// (n − 1)s + d(k − 1) + 1 − cropBefore − cropAfter + outputPadding. With symmetric crops p this is
    /// <see cref="TransposedOutputSize(int, int, int, int, int, int)"/>. May be below 1 — callers report that.
    /// </summary>
    public static int TransposedOutputSize(int n, int kernel, int stride, int cropBefore, int cropAfter, int dilation, int outputPadding)
    {
        long size = (long)(n - 1) * stride + EffectiveKernel(kernel, dilation) - cropBefore - cropAfter + outputPadding;
        return (int)Math.Clamp(size, int.MinValue, int.MaxValue);
    }

    /// <summary>
    /// "Same" cropping of a transposed convolution along one dimension, so that the output has n·s elements (Keras's
    /// <c>Conv2DTranspose(padding="same")</c>, the adjoint of a "same" convolution with the same stride): the full
    /// output (n − 1)s + d(k − 1) + 1 is cropped by d(k − 1) + 1 − s in total, the odd element at the end. When the
    /// dilated kernel is shorter than the stride, nothing is cropped and the output is extended at the end by
    /// s − (d(k − 1) + 1) instead (returned as a negative <c>After</c>).
    /// </summary>
    public static (int Before, int After) TransposedSameCropping(int kernel, int stride = 1, int dilation = 1)
    {
        int total = EffectiveKernel(kernel, dilation) - stride;
        if (total < 0) return (0, total);
        int before = total / 2;
        return (before, total - before);
    }

    /// <summary>
    /// The one resolution of a convolution's or pooling layer's <see cref="Padding"/> into (before, after) amounts per
    /// spatial dimension of an input of spatial size <paramref name="spatial"/>: nothing for
    /// <see cref="PaddingMode.Valid"/>, the explicit symmetric amounts for <see cref="PaddingMode.Explicit"/>, and
    /// TensorFlow's rule for <see cref="PaddingMode.Same"/> (see <see cref="SamePadding"/>: output ⌈n / s⌉, the odd
    /// element after). Every convolution (plain, depthwise, separable) and pooling layer resolves its padding here.
    /// </summary>
    /// <param name="padding">The layer's padding.</param>
    /// <param name="spatial">Input size per spatial dimension.</param>
    /// <param name="kernel">Kernel (or pool) size per spatial dimension.</param>
    /// <param name="strides">Stride per spatial dimension.</param>
    /// <param name="dilation">Dilation per spatial dimension; ones when null (pooling).</param>
    public static (int[] Before, int[] After) ResolvePadding(Padding padding, int[] spatial, int[] kernel, int[] strides, int[]? dilation = null)
    {
        ArgumentNullException.ThrowIfNull(spatial);
        int rank = spatial.Length;
        dilation ??= Enumerable.Repeat(1, rank).ToArray();
        CheckRank(rank, kernel, strides, dilation);
        var explicitAmounts = ExplicitPadding(padding, rank, "ConvolutionArithmetic.ResolvePadding");
        var before = new int[rank];
        var after = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            if (padding.Mode == PaddingMode.Same)
                (before[i], after[i]) = SamePadding(spatial[i], kernel[i], strides[i], dilation[i]);
            else
                before[i] = after[i] = explicitAmounts[i];
        }
        return (before, after);
    }

    /// <summary>
    /// The one resolution of a transposed convolution's <see cref="Padding"/> into the amounts cropped from the start
    /// and the end of its full output ((n − 1)s + d(k − 1) + 1 values) per spatial dimension: nothing for
    /// <see cref="PaddingMode.Valid"/>, p at both ends for explicit amounts p, and
    /// <see cref="TransposedSameCropping"/> for <see cref="PaddingMode.Same"/> (output n·s; a negative end crop extends).
    /// </summary>
    /// <param name="padding">The layer's padding.</param>
    /// <param name="kernel">Kernel size per spatial dimension.</param>
    /// <param name="strides">Stride per spatial dimension.</param>
    /// <param name="dilation">Dilation per spatial dimension; ones when null.</param>
    public static (int[] Before, int[] After) ResolveTransposedCropping(Padding padding, int[] kernel, int[] strides, int[]? dilation = null)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        int rank = kernel.Length;
        dilation ??= Enumerable.Repeat(1, rank).ToArray();
        CheckRank(rank, kernel, strides, dilation);
        var explicitAmounts = ExplicitPadding(padding, rank, "ConvolutionArithmetic.ResolveTransposedCropping");
        var before = new int[rank];
        var after = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            if (padding.Mode == PaddingMode.Same)
                (before[i], after[i]) = TransposedSameCropping(kernel[i], strides[i], dilation[i]);
            else
                before[i] = after[i] = explicitAmounts[i];
        }
        return (before, after);
    }

    /// <summary>
    /// The explicit amounts of <paramref name="padding"/> for <paramref name="rank"/> spatial dimensions (one value
    /// broadcast, or one per dimension, each 0 or more), zeros unless the padding is explicit. Layers call it in their
    /// constructor, so that a bad amount is reported naming the layer type.
    /// </summary>
    internal static int[] ExplicitPadding(Padding padding, int rank, string layerType)
        => padding.Mode == PaddingMode.Explicit ? padding.Amounts.Expand(rank, "padding", layerType, minimum: 0) : new int[rank];

    private static void CheckRank(int rank, int[] kernel, int[] strides, int[] dilation)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        ArgumentNullException.ThrowIfNull(strides);
        ArgumentNullException.ThrowIfNull(dilation);
        if (kernel.Length != rank || strides.Length != rank || dilation.Length != rank)
        {
            throw new ArgumentException(
                $"Expected one kernel size, stride and dilation per spatial dimension ({rank}). Received kernel=[{string.Join(", ", kernel)}], strides=[{string.Join(", ", strides)}], dilation=[{string.Join(", ", dilation)}].");
        }
    }

    /// <summary>
    /// Output sizes of a sliding window (convolution or pooling) over <paramref name="spatial"/>, or the reason there
    /// is none: the (dilated) window is larger than the padded input in some dimension. <paramref name="window"/>
    /// names the window in the message ("kernel", "pool size").
    /// </summary>
    internal static int[] SlidingOutputSizes(int[] spatial, int[] kernel, int[] strides, int[] dilation, int[] before, int[] after,
        string window, out string? problem)
    {
        var names = SpatialDimensionNames(spatial.Length);
        var sizes = new int[spatial.Length];
        problem = null;
        for (int i = 0; i < spatial.Length; i++)
        {
            int n = spatial[i];
            int padded = n + before[i] + after[i];
            int span = EffectiveKernel(kernel[i], dilation[i]);
            if (span > padded)
            {
                string text = dilation[i] == 1
                    ? $"{window} {kernel[i]}"
                    : $"dilated {window} {span} (d(k − 1) + 1 = {dilation[i]}·({kernel[i]} − 1) + 1)";
                problem = $"{text} is larger than the padded input {padded} ({n} + {before[i]} + {after[i]}) in dimension {names[i]}.";
                return sizes;
            }
            sizes[i] = OutputSize(n, kernel[i], strides[i], before[i], after[i], dilation[i]);
        }
        return sizes;
    }

    /// <summary>The names of the spatial dimensions for messages: length; height, width; depth, height, width.</summary>
    internal static string[] SpatialDimensionNames(int rank) => rank switch
    {
        1 => new[] { "length" },
        2 => new[] { "height", "width" },
        3 => new[] { "depth", "height", "width" },
        _ => Enumerable.Range(0, rank).Select(i => $"spatial dimension {i}").ToArray(),
    };

    /// <summary>The layout of an input with <paramref name="rank"/> spatial dimensions, for rank errors: "channels, height, width".</summary>
    internal static string Layout(int rank) => "channels, " + string.Join(", ", SpatialDimensionNames(rank));

    /// <summary>
    /// TensorFlow's "same" padding along one dimension: (before, after) such that the output has ⌈n / s⌉ elements.
    /// The odd element goes after (bottom/right).
    /// </summary>
    public static (int Before, int After) SamePadding(int n, int kernel, int stride = 1, int dilation = 1)
    {
        int output = (n + stride - 1) / stride;
        int total = Math.Max((output - 1) * stride + EffectiveKernel(kernel, dilation) - n, 0);
        int before = total / 2;
        return (before, total - before);
    }
}
