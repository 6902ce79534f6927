namespace Kernelwise.Layers;

/// <summary>
/// 3D convolution over (channels, depth, height, width) inputs — Keras's <c>Conv3D</c>, PyTorch's <c>nn.Conv3d</c>:
/// volumes (CT scans) and video clips. Output (filters, D', H', W'), each ⌊(n + p_before + p_after − d(k − 1) − 1)/s⌋ + 1.
/// Weights [filters, channels/groups, kD, kH, kW]; parameters k_d·k_h·k_w·(C/groups)·filters + filters.
/// </summary>
public sealed class Conv3D : BaseConv
{
    /// <summary>Creates a 3D convolution.</summary>
    /// <param name="filters">Number of output channels.</param>
    /// <param name="kernelSize">Kernel depth, height and width (one int for a cube).</param>
    /// <param name="strides">Step between windows (default 1).</param>
    /// <param name="padding"><see cref="Padding.Valid"/> (default), <see cref="Padding.Same"/> or explicit amounts.</param>
    /// <param name="dilation">Spacing between kernel taps (default 1).</param>
    /// <param name="groups">Channel groups (default 1).</param>
    /// <param name="useBias">Whether to add a bias per filter.</param>
    /// <param name="activation">Activation applied to the output.</param>
    /// <param name="name">Layer name; generated when null (<c>conv3d</c>, <c>conv3d_1</c>, ...).</param>
    public Conv3D(int filters, SpatialSize kernelSize, SpatialSize strides = default, Padding padding = default,
        SpatialSize dilation = default, int groups = 1, Activation activation = Activation.Linear, bool useBias = true, string? name = null)
        : base(3, filters, kernelSize, strides, padding, dilation, groups, activation, useBias, name)
    {
    }
}
