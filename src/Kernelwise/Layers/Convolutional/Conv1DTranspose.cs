namespace Kernelwise.Layers;

/// <summary>
/// 1D transposed convolution over (channels, length) inputs — Keras's <c>Conv1DTranspose</c>, PyTorch's <c>nn.ConvTranspose1d</c>: upsamples sequences (decoders, generative audio).
/// Output (filters, L'), each size (n − 1)s − 2p + d(k − 1) + output_padding + 1 (n·s with <see cref="Padding.Same"/>).
/// Weights [C, filters/groups, k] (PyTorch's layout); parameters k·C·(filters/groups) + filters. See <see cref="BaseConvTranspose"/>.
/// Sizes follow PyTorch: with <see cref="Padding.Valid"/> and a kernel smaller than the stride, Keras adds max(k, s) − k
/// (kernel 7, stride 16 on length 14: Keras 224, Kernelwise 215; <c>outputPadding: s − k</c> gives Keras's size), and <see cref="Padding.Same"/> with an
/// <c>outputPadding</c> is refused where Keras crops k // 2 from each side (the error names the explicit padding to use).
/// </summary>
public sealed class Conv1DTranspose : BaseConvTranspose
{
    /// <summary>Creates a 1D transposed convolution.</summary>
    /// <param name="filters">Number of output channels.</param>
    /// <param name="kernelSize">Kernel length.</param>
    /// <param name="strides">Upsampling factor (default 1).</param>
    /// <param name="padding"><see cref="Padding.Valid"/> (default, p = 0), <see cref="Padding.Same"/> (output n·s) or explicit amounts p cropped from both sides.</param>
    /// <param name="outputPadding">Extra output at the end of each dimension (default 0); must be smaller than the stride or the dilation.</param>
    /// <param name="dilation">Spacing between kernel taps (default 1).</param>
    /// <param name="groups">Channel groups (default 1).</param>
    /// <param name="useBias">Whether to add a bias per filter.</param>
    /// <param name="activation">Activation applied to the output.</param>
    /// <param name="name">Layer name; generated when null (<c>conv1d_transpose</c>, ...).</param>
    public Conv1DTranspose(int filters, SpatialSize kernelSize, SpatialSize strides = default, Padding padding = default, SpatialSize outputPadding = default,
        SpatialSize dilation = default, int groups = 1, Activation activation = Activation.Linear, bool useBias = true, string? name = null)
        : base(1, filters, kernelSize, strides, padding, outputPadding, dilation, groups, activation, useBias, name)
    {
    }
}
