namespace Kernelwise.Layers;

/// <summary>
/// 1D max pooling over (channels, length): the largest value of each window — Keras's <c>MaxPooling1D</c>, PyTorch's <c>nn.MaxPool1d</c>.
/// Output (channels, ⌊(L + p − k)/s⌋ + 1) (⌈n/s⌉ with <see cref="Padding.Same"/>); no parameters.
/// </summary>
public sealed class MaxPooling1D : BasePooling
{
    /// <summary>Creates the layer.</summary>
    /// <param name="poolSize">Window length (default 2).</param>
    /// <param name="strides">Step; defaults to the pool size.</param>
    /// <param name="padding">Valid (default), Same, or explicit amounts of at most half the window.</param>
    /// <param name="name">Layer name; generated when null.</param>
    public MaxPooling1D(SpatialSize poolSize = default, SpatialSize strides = default, Padding padding = default, string? name = null)
        : base(1, PoolingKind.Max, poolSize.IsEmpty ? 2 : poolSize, strides, padding, name)
    {
    }
}
