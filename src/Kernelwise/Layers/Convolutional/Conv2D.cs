using Kernelwise.Explicit;
using static TorchSharp.torch;

namespace Kernelwise.Layers;

/// <summary>
/// 2D convolution over (channels, height, width) inputs — Keras's <c>Conv2D</c>, PyTorch's <c>nn.Conv2d</c>.
/// Output (filters, H', W') with H' = ⌊(H + p_top + p_bottom − d(k − 1) − 1)/s⌋ + 1 (likewise W').
/// Weights [filters, channels/groups, kH, kW]; parameters k_h·k_w·(C/groups)·filters + filters.
/// </summary>
public sealed class Conv2D : BaseConv
{
    /// <summary>Creates a 2D convolution.</summary>
    /// <param name="filters">Number of output channels.</param>
    /// <param name="kernelSize">Kernel height and width (one int for a square kernel).</param>
    /// <param name="strides">Step between windows (default 1).</param>
    /// <param name="padding"><see cref="Padding.Valid"/> (default), <see cref="Padding.Same"/> or explicit amounts.</param>
    /// <param name="dilation">Spacing between kernel taps (default 1).</param>
    /// <param name="groups">Channel groups (default 1; equal to the input channels for a depthwise convolution).</param>
    /// <param name="useBias">Whether to add a bias per filter.</param>
    /// <param name="activation">Activation applied to the output.</param>
    /// <param name="name">Layer name; generated when null.</param>
    /// <param name="implementation">
    /// <see cref="ConvolutionImplementation.Native"/> (default) for libtorch's kernels, or
    /// <see cref="ConvolutionImplementation.Explicit"/> for the hand-derived im2col convolution and its textbook backward pass.
    /// </param>
    public Conv2D(int filters, SpatialSize kernelSize, SpatialSize strides = default, Padding padding = default,
        SpatialSize dilation = default, int groups = 1, Activation activation = Activation.Linear, bool useBias = true, string? name = null,
        ConvolutionImplementation implementation = ConvolutionImplementation.Native)
        : base(2, filters, kernelSize, strides, padding, dilation, groups, activation, useBias, name)
    {
        if (!Enum.IsDefined(implementation))
        {
            throw new ArgumentOutOfRangeException(nameof(implementation),
                $"Invalid value for argument implementation of Conv2D. Expected ConvolutionImplementation.Native or ConvolutionImplementation.Explicit. Received implementation={(int)implementation}.");
        }
        Implementation = implementation;
    }

    /// <summary>Which code computes this layer: libtorch's kernels or the explicit, hand-derived convolution.</summary>
    public ConvolutionImplementation Implementation { get; }

    /// <inheritdoc />
    private protected override Func<Tensor, Tensor, Tensor?, long[], long[], long[], long, Tensor>? ConvolutionFunction
        => Implementation == ConvolutionImplementation.Explicit ? ExplicitConvolution.Conv2D : null;
}
