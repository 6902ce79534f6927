using static TorchSharp.torch;

namespace Kernelwise.Explicit;

/// <summary>
/// Every size of one 2D convolution call, validated once: input [N, C, H, W], weight [F, C/G, kh, kw],
/// output [N, F, OH, OW] with OH = ⌊(H + 2p_h − d_h(kh − 1) − 1)/s_h⌋ + 1 (likewise OW).
/// </summary>
/// <remarks>
/// The column (im2col) matrix of a chunk of B samples has one row per (input channel c, kernel row i, kernel column j)
/// — K = C·kh·kw rows, grouped so that group g owns rows [g·K_g, (g + 1)·K_g) with K_g = (C/G)·kh·kw — and one
/// column per (sample b, output row, output column): B·L columns, L = OH·OW.
/// </remarks>
internal sealed record Conv2DGeometry(
    long Batch, long InChannels, long Height, long Width,
    long Filters, long Groups, long KernelHeight, long KernelWidth,
    long StrideHeight, long StrideWidth, long PaddingHeight, long PaddingWidth, long DilationHeight, long DilationWidth)
{
    /// <summary>Output height OH.</summary>
    public long OutHeight => (Height + 2 * PaddingHeight - DilationHeight * (KernelHeight - 1) - 1) / StrideHeight + 1;

    /// <summary>Output width OW.</summary>
    public long OutWidth => (Width + 2 * PaddingWidth - DilationWidth * (KernelWidth - 1) - 1) / StrideWidth + 1;

    /// <summary>Padded input height H + 2p_h.</summary>
    public long PaddedHeight => Height + 2 * PaddingHeight;

    /// <summary>Padded input width W + 2p_w.</summary>
    public long PaddedWidth => Width + 2 * PaddingWidth;

    /// <summary>Output positions per sample, L = OH·OW.</summary>
    public long Positions => OutHeight * OutWidth;

    /// <summary>Input channels per group, C/G.</summary>
    public long ChannelsPerGroup => InChannels / Groups;

    /// <summary>Filters per group, F/G.</summary>
    public long FiltersPerGroup => Filters / Groups;

    /// <summary>Taps of one kernel plane, kh·kw.</summary>
    public long KernelArea => KernelHeight * KernelWidth;

    /// <summary>Rows of the column matrix, K = C·kh·kw (all groups).</summary>
    public long PatchLength => InChannels * KernelArea;

    /// <summary>Rows of the column matrix that belong to one group, K_g = (C/G)·kh·kw.</summary>
    public long GroupPatchLength => ChannelsPerGroup * KernelArea;

    /// <summary>Whether the input needs a zero border.</summary>
    public bool IsPadded => PaddingHeight > 0 || PaddingWidth > 0;

    /// <summary>
    /// With unit strides, the windows of one kernel tap (i, j) start at consecutive positions of the flattened padded
    /// plane, row after row with a step of the padded width: output position (oh, ow) reads padded element
    /// (oh + i·d_h)·W_p + ow + j·d_w. Laying out output positions with that same row step (oh·W_p + ow, leaving
    /// W_p − OW unused slots after each row) makes every tap one contiguous run of <see cref="RunLength"/> elements,
    /// which turns col2im into kh·kw long, vectorisable additions.
    /// </summary>
    public bool HasContiguousRuns => StrideHeight == 1 && StrideWidth == 1;

    /// <summary>Length of one tap's run in the flattened padded plane: (OH − 1)·W_p + OW.</summary>
    public long RunLength => (OutHeight - 1) * PaddedWidth + OutWidth;

    /// <summary>Output shape [N, F, OH, OW].</summary>
    public long[] OutputShape => new[] { Batch, Filters, OutHeight, OutWidth };

    /// <summary>
    /// Validates the tensors and hyper-parameters of one call and returns its geometry. Errors name the argument, the
    /// rule and the value received.
    /// </summary>
    public static Conv2DGeometry Create(Tensor input, Tensor weight, Tensor? bias, long[] stride, long[] padding, long[] dilation, long groups)
    {
        const string Where = "ExplicitConvolution.Conv2D";
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        if (input.dim() != 4)
            throw new ArgumentException($"Invalid value for argument input of {Where}. Expected 4 dimensions [batch, channels, height, width] (NCHW). Received input of shape [{string.Join(", ", input.shape)}].", nameof(input));
        if (weight.dim() != 4)
            throw new ArgumentException($"Invalid value for argument weight of {Where}. Expected 4 dimensions [filters, channels/groups, kernel height, kernel width]. Received weight of shape [{string.Join(", ", weight.shape)}].", nameof(weight));
        if (!input.is_floating_point())
            throw new ArgumentException($"Invalid value for argument input of {Where}. Expected a floating-point tensor (float32 or float64). Received dtype {input.dtype}.", nameof(input));
        if (weight.dtype != input.dtype)
            throw new ArgumentException($"Invalid value for argument weight of {Where}. Expected the input's dtype {input.dtype}. Received dtype {weight.dtype}.", nameof(weight));
        if (!SameDevice(weight, input))
            throw new ArgumentException($"Invalid value for argument weight of {Where}. Expected a tensor on the input's device {input.device}. Received a tensor on {weight.device}.", nameof(weight));
        if (groups < 1)
            throw new ArgumentOutOfRangeException(nameof(groups), $"Invalid value for argument groups of {Where}. Expected a strictly positive value. Received groups={groups}.");
        long n = input.shape[0], c = input.shape[1], h = input.shape[2], w = input.shape[3];
        long f = weight.shape[0];
        if (c % groups != 0)
            throw new ArgumentException($"Invalid value for argument groups of {Where}. The input channels must be divisible by groups. Received channels={c}, groups={groups}.", nameof(groups));
        if (f % groups != 0)
            throw new ArgumentException($"Invalid value for argument groups of {Where}. The filters (weight.shape[0]) must be divisible by groups. Received filters={f}, groups={groups}.", nameof(groups));
        if (weight.shape[1] != c / groups)
            throw new ArgumentException($"Invalid value for argument weight of {Where}. Expected weight.shape[1] = channels/groups = {c}/{groups} = {c / groups}. Received weight of shape [{string.Join(", ", weight.shape)}].", nameof(weight));
        if (bias is not null)
        {
            if (bias.dim() != 1 || bias.shape[0] != f)
                throw new ArgumentException($"Invalid value for argument bias of {Where}. Expected shape [{f}] (one value per filter). Received bias of shape [{string.Join(", ", bias.shape)}].", nameof(bias));
            if (bias.dtype != input.dtype || !SameDevice(bias, input))
                throw new ArgumentException($"Invalid value for argument bias of {Where}. Expected dtype {input.dtype} on {input.device}. Received dtype {bias.dtype} on {bias.device}.", nameof(bias));
        }
        var (sh, sw) = Pair(stride, nameof(stride), 1);
        var (ph, pw) = Pair(padding, nameof(padding), 0);
        var (dh, dw) = Pair(dilation, nameof(dilation), 1);
        var g = new Conv2DGeometry(n, c, h, w, f, groups, weight.shape[2], weight.shape[3], sh, sw, ph, pw, dh, dw);
        long spanH = dh * (g.KernelHeight - 1) + 1, spanW = dw * (g.KernelWidth - 1) + 1;
        if (spanH > g.PaddedHeight || spanW > g.PaddedWidth)
        {
            throw new ArgumentException(
                $"Invalid value for argument weight of {Where}. The dilated kernel {spanH}×{spanW} (d(k − 1) + 1) must fit in the padded input {g.PaddedHeight}×{g.PaddedWidth} (H + 2p × W + 2p). Received weight of shape [{string.Join(", ", weight.shape)}] with dilation ({dh}, {dw}) and padding ({ph}, {pw}) for input [{string.Join(", ", input.shape)}].",
                nameof(weight));
        }
        return g;
    }

    private static bool SameDevice(Tensor a, Tensor b) => a.device_type == b.device_type && a.device_index == b.device_index;

    private static (long, long) Pair(long[]? values, string name, long minimum)
    {
        const string Where = "ExplicitConvolution.Conv2D";
        if (values is null || values.Length == 0) return minimum == 0 ? (0, 0) : (1, 1);
        if (values.Length > 2)
            throw new ArgumentException($"Invalid value for argument {name} of {Where}. Expected one value or two (height, width). Received {name}=[{string.Join(", ", values)}].", name);
        long first = values[0], second = values.Length == 2 ? values[1] : values[0];
        if (first < minimum || second < minimum)
        {
            string rule = minimum == 0 ? "values of 0 or more" : "strictly positive values";
            throw new ArgumentOutOfRangeException(name, $"Invalid value for argument {name} of {Where}. Expected {rule}. Received {name}=[{string.Join(", ", values)}].");
        }
        return (first, second);
    }
}
