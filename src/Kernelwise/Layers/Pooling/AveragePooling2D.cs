namespace Kernelwise.Layers;

/// <summary>
/// 2D average pooling over (channels, height, width) — Keras's <c>AveragePooling2D</c>, PyTorch's <c>nn.AvgPool2d</c>. Output
/// (channels, ⌊(H + p − k)/s⌋ + 1, ⌊(W + p − k)/s⌋ + 1); no parameters.
/// </summary>
public sealed class AveragePooling2D : BasePooling
{
    /// <summary>Creates the layer.</summary>
    /// <param name="poolSize">Window height and width (default 2).</param>
    /// <param name="strides">Step; defaults to the pool size.</param>
    /// <param name="padding">Valid (default), Same, or explicit amounts of at most half the window.</param>
    /// <param name="name">Layer name; generated when null.</param>
    public AveragePooling2D(SpatialSize poolSize = default, SpatialSize strides = default, Padding padding = default, string? name = null)
        : base(2, PoolingKind.Average, poolSize.IsEmpty ? 2 : poolSize, strides, padding, name)
    {
    }
}
