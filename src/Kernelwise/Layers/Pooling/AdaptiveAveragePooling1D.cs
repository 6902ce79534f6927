namespace Kernelwise.Layers;

/// <summary>
/// Average pooling of (channels, length) inputs to a fixed output size — PyTorch's <c>nn.AdaptiveAvgPool1d</c>: each output
/// cell averages the input cells from ⌊i·n/n'⌋ to ⌈(i + 1)·n/n'⌉ − 1. No parameters.
/// See <see cref="BaseAdaptivePooling"/>.
/// </summary>
public sealed class AdaptiveAveragePooling1D : BaseAdaptivePooling
{
    /// <summary>Creates the layer.</summary>
    /// <param name="outputSize">Output length.</param>
    /// <param name="name">Layer name; generated when null.</param>
    public AdaptiveAveragePooling1D(SpatialSize outputSize, string? name = null) : base(1, outputSize, name)
    {
    }
}
