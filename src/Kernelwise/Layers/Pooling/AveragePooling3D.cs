namespace Kernelwise.Layers;

/// <summary>
/// 3D average pooling over (channels, depth, height, width): the mean of each window (padding excluded from the count) — Keras's <c>AveragePooling3D</c>, PyTorch's <c>nn.AvgPool3d</c>.
/// Output (channels, D', H', W'), each ⌊(n + p − k)/s⌋ + 1 (⌈n/s⌉ with <see cref="Padding.Same"/>); no parameters.
/// </summary>
public sealed class AveragePooling3D : BasePooling
{
    /// <summary>Creates the layer.</summary>
    /// <param name="poolSize">Window depth, height and width (default 2).</param>
    /// <param name="strides">Step; defaults to the pool size.</param>
    /// <param name="padding">Valid (default), Same, or explicit amounts of at most half the window.</param>
    /// <param name="name">Layer name; generated when null.</param>
    public AveragePooling3D(SpatialSize poolSize = default, SpatialSize strides = default, Padding padding = default, string? name = null)
        : base(3, PoolingKind.Average, poolSize.IsEmpty ? 2 : poolSize, strides, padding, name)
    {
    }
}
