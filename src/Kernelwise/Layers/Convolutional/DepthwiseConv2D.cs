using Kernelwise.Modules;
using static TorchSharp.torch;

namespace Kernelwise.Layers;

/// <summary>
/// Depthwise 2D convolution — Keras's <c>DepthwiseConv2D</c>, PyTorch's <c>nn.Conv2d(C, C·M, k, groups=C)</c>: every
/// input channel is convolved with its own M = <see cref="BaseDepthwiseConv.DepthMultiplier"/> kernels and channels
/// are never mixed. Input (C, H, W), output (C·M, H', W') with the ordinary convolution size rule.
/// Weights [C·M, 1, kH, kW]; parameters k_h·k_w·C·M + C·M (bias); MACs H'·W'·C·M·k_h·k_w — a plain convolution
/// to the same C·M channels costs C times more.
/// </summary>
public sealed class DepthwiseConv2D : BaseDepthwiseConv
{
    /// <summary>Creates a depthwise convolution.</summary>
    /// <param name="kernelSize">Kernel height and width.</param>
    /// <param name="strides">Step between windows (default 1).</param>
    /// <param name="padding"><see cref="Padding.Valid"/> (default), <see cref="Padding.Same"/> or explicit amounts.</param>
    /// <param name="depthMultiplier">Kernels per input channel (default 1).</param>
    /// <param name="dilation">Spacing between kernel taps (default 1).</param>
    /// <param name="useBias">Whether to add a bias per output channel.</param>
    /// <param name="activation">Activation applied to the output.</param>
    /// <param name="name">Layer name; generated when null (<c>depthwise_conv2d</c>, ...).</param>
    public DepthwiseConv2D(SpatialSize kernelSize, SpatialSize strides = default, Padding padding = default, int depthMultiplier = 1,
        SpatialSize dilation = default, Activation activation = Activation.Linear, bool useBias = true, string? name = null)
        : base(2, kernelSize, strides, padding, depthMultiplier, dilation, activation, useBias, name)
    {
    }

    /// <inheritdoc />
    public override Shape ComputeOutputShape(Shape input)
    {
        var spatial = ComputeSpatialOutput(input);
        return new Shape(new[] { input.Channels * DepthMultiplier }.Concat(spatial).ToArray());
    }

    /// <inheritdoc />
    public override ParameterCount CountParameters(Shape input)
    {
        long outChannels = (long)input.Channels * DepthMultiplier;
        return new ParameterCount(KernelVolume * outChannels + (UseBias ? outChannels : 0), 0);
    }

    /// <inheritdoc />
    public override long CountMultiplyAccumulates(Shape input, Shape output) => output.Elements * KernelVolume;

    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> CreateModule(Shape input)
    {
        var (before, after) = ResolvePadding(input);
        int c = input.Channels;
        return new ConvolutionModule(Name, Rank, c, c * DepthMultiplier, KernelSize, Strides, Dilation, before, after, c, UseBias, Activation);
    }
}
