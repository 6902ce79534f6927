namespace Kernelwise.Layers;

/// <summary>
/// 1D convolution over (channels, length) inputs — Keras's <c>Conv1D</c>, PyTorch's <c>nn.Conv1d</c>: sequences,
/// signals, text embeddings laid out channels first. Output (filters, L') with
/// L' = ⌊(L + p_before + p_after − d(k − 1) − 1)/s⌋ + 1 (L' = ⌈L/s⌉ with <see cref="Padding.Same"/>).
/// Weights [filters, channels/groups, k]; parameters k·(C/groups)·filters + filters.
/// </summary>
public sealed class Conv1D : BaseConv
{
    /// <summary>Creates a 1D convolution.</summary>
    /// <param name="filters">Number of output channels.</param>
    /// <param name="kernelSize">Kernel length.</param>
    /// <param name="strides">Step between windows (default 1).</param>
    /// <param name="padding"><see cref="Padding.Valid"/> (default), <see cref="Padding.Same"/> (also with strides above 1) or an explicit amount.</param>
    /// <param name="dilation">Spacing between kernel taps (default 1; above 1 = atrous, as in WaveNet).</param>
    /// <param name="groups">Channel groups (default 1).</param>
    /// <param name="useBias">Whether to add a bias per filter.</param>
    /// <param name="activation">Activation applied to the output.</param>
    /// <param name="name">Layer name; generated when null (<c>conv1d</c>, <c>conv1d_1</c>, ...).</param>
    public Conv1D(int filters, SpatialSize kernelSize, SpatialSize strides = default, Padding padding = default,
        SpatialSize dilation = default, int groups = 1, Activation activation = Activation.Linear, bool useBias = true, string? name = null)
        : base(1, filters, kernelSize, strides, padding, dilation, groups, activation, useBias, name)
    {
    }
}
