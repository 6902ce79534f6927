using Kernelwise.Modules;
using static TorchSharp.torch;

namespace Kernelwise.Layers;

/// <summary>
/// Depthwise-separable 2D convolution — Keras's <c>SeparableConv2D</c> (Xception, MobileNet): a depthwise convolution
/// (each of the C input channels with its own M = <see cref="BaseDepthwiseConv.DepthMultiplier"/> kernels, no bias)
/// followed by a pointwise 1×1 convolution from C·M to <see cref="Filters"/> channels, then the bias and activation.
/// In PyTorch: <c>nn.Conv2d(C, C·M, k, groups=C, bias=False)</c> then <c>nn.Conv2d(C·M, F, 1)</c>.
/// Input (C, H, W), output (F, H', W') with the ordinary convolution size rule.
/// </summary>
/// <remarks>
/// Parameters k²·C·M + C·M·F (+ F bias) instead of the plain convolution's k²·C·F (+ F): with M = 1 the ratio is
/// 1/F + 1/k², about 8 to 9 times fewer for a 3×3 kernel — the saving the textbook argues, and the same ratio holds
/// for the multiply-accumulates (H'·W'·C·M·(k² + F)). Parameters are named <c>depthwise.weight</c>,
/// <c>pointwise.weight</c> and <c>pointwise.bias</c>.
/// </remarks>
public sealed class SeparableConv2D : BaseDepthwiseConv
{
    /// <summary>Creates a separable convolution.</summary>
    /// <param name="filters">Number of output channels (of the pointwise stage).</param>
    /// <param name="kernelSize">Kernel height and width of the depthwise stage.</param>
    /// <param name="strides">Step between windows of the depthwise stage (default 1).</param>
    /// <param name="padding"><see cref="Padding.Valid"/> (default), <see cref="Padding.Same"/> or explicit amounts.</param>
    /// <param name="depthMultiplier">Depthwise kernels per input channel (default 1).</param>
    /// <param name="dilation">Spacing between kernel taps of the depthwise stage (default 1).</param>
    /// <param name="useBias">Whether to add a bias per output channel.</param>
    /// <param name="activation">Activation applied to the output.</param>
    /// <param name="name">Layer name; generated when null (<c>separable_conv2d</c>, ...).</param>
    public SeparableConv2D(int filters, SpatialSize kernelSize, SpatialSize strides = default, Padding padding = default, int depthMultiplier = 1,
        SpatialSize dilation = default, Activation activation = Activation.Linear, bool useBias = true, string? name = null)
        : base(2, kernelSize, strides, padding, depthMultiplier, dilation, activation, useBias, name)
    {
        if (filters < 1)
            throw new ArgumentOutOfRangeException(nameof(filters), $"Invalid value for argument filters of SeparableConv2D. Expected a strictly positive value. Received filters={filters}.");
        Filters = filters;
    }

    /// <summary>Number of output channels.</summary>
    public int Filters { get; }

    /// <inheritdoc />
    public override Shape ComputeOutputShape(Shape input)
    {
        var spatial = ComputeSpatialOutput(input);
        return new Shape(new[] { Filters }.Concat(spatial).ToArray());
    }

    /// <inheritdoc />
    public override ParameterCount CountParameters(Shape input)
    {
        long mid = (long)input.Channels * DepthMultiplier;
        return new ParameterCount(KernelVolume * mid + mid * Filters + (UseBias ? Filters : 0), 0);
    }

    /// <inheritdoc />
    public override long CountMultiplyAccumulates(Shape input, Shape output)
    {
        long positions = output.Elements / output.Channels;
        long mid = (long)input.Channels * DepthMultiplier;
        return positions * mid * (KernelVolume + Filters);
    }

    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> CreateModule(Shape input)
    {
        var (before, after) = ResolvePadding(input);
        return new SeparableConvolutionModule(Name, Rank, input.Channels, DepthMultiplier, Filters, KernelSize, Strides, Dilation, before, after, UseBias, Activation);
    }
}
