using Kernelwise.Shapes;

namespace Kernelwise.Layers;

/// <summary>
/// Shared configuration and shape rule of the depthwise and depthwise-separable convolutions (Keras's
/// <c>BaseDepthwiseConv</c> and <c>BaseSeparableConv</c>): each input channel is convolved with its own
/// <see cref="DepthMultiplier"/> kernels (a grouped convolution with groups = input channels), so the spatial size
/// follows the ordinary rule ⌊(n + p_before + p_after − d(k − 1) − 1)/s⌋ + 1 and the depthwise stage yields
/// C·<see cref="DepthMultiplier"/> channels.
/// </summary>
public abstract class BaseDepthwiseConv : Layer, IHasActivation
{
    /// <summary>Validates and stores the configuration; <paramref name="rank"/> is the number of spatial dimensions.</summary>
    protected BaseDepthwiseConv(int rank, SpatialSize kernelSize, SpatialSize strides, Padding padding, int depthMultiplier,
        SpatialSize dilation, Activation activation, bool useBias, string? name) : base(name)
    {
        Rank = rank;
        string type = GetType().Name;
        if (depthMultiplier < 1)
            throw new ArgumentOutOfRangeException(nameof(depthMultiplier), $"Invalid value for argument depthMultiplier of {type}. Expected a strictly positive value. Received depthMultiplier={depthMultiplier}.");
        KernelSize = kernelSize.Expand(rank, "kernelSize", type);
        Strides = (strides.IsEmpty ? (SpatialSize)1 : strides).Expand(rank, "strides", type);
        Dilation = (dilation.IsEmpty ? (SpatialSize)1 : dilation).Expand(rank, "dilation", type);
        Padding = padding;
        ConvolutionArithmetic.ExplicitPadding(padding, rank, type);
        DepthMultiplier = depthMultiplier;
        UseBias = useBias;
        Activation = activation;
    }

    /// <summary>Number of spatial dimensions.</summary>
    public int Rank { get; }

    /// <summary>Kernel size per spatial dimension.</summary>
    public int[] KernelSize { get; }

    /// <summary>Stride per spatial dimension.</summary>
    public int[] Strides { get; }

    /// <summary>Dilation per spatial dimension.</summary>
    public int[] Dilation { get; }

    /// <summary>The padding as given.</summary>
    public Padding Padding { get; }

    /// <summary>Kernels per input channel: the depthwise stage outputs C·<see cref="DepthMultiplier"/> channels.</summary>
    public int DepthMultiplier { get; }

    /// <summary>Whether a bias is added (per output channel, after the last stage).</summary>
    public bool UseBias { get; }

    /// <summary>Activation applied to the output.</summary>
    public Activation Activation { get; }

    /// <summary>(before, after) padding per spatial dimension for this input.</summary>
    public (int[] Before, int[] After) ResolvePadding(Shape input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return ConvolutionArithmetic.ResolvePadding(Padding, input.Spatial, KernelSize, Strides, Dilation);
    }

    /// <summary>Checks the input's rank and window fit and returns the output's spatial sizes.</summary>
    protected int[] ComputeSpatialOutput(Shape input)
    {
        ArgumentNullException.ThrowIfNull(input);
        RequireRank(input, Rank + 1, ConvolutionArithmetic.Layout(Rank));
        var (before, after) = ResolvePadding(input);
        var sizes = ConvolutionArithmetic.SlidingOutputSizes(input.Spatial, KernelSize, Strides, Dilation, before, after, "kernel", out var problem);
        if (problem is not null) throw BuildError(input, problem);
        return sizes;
    }

    /// <summary>Kernel taps per channel: the product of the kernel sizes.</summary>
    protected long KernelVolume => KernelSize.Aggregate(1L, (a, v) => a * v);

    /// <inheritdoc />
    public override SpatialWindow? GetSpatialWindow(Shape input) => new(KernelSize, Strides, Dilation, ResolvePadding(input).Before);
}
