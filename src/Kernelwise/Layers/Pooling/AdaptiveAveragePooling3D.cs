namespace Kernelwise.Layers;

/// <summary>
/// Average pooling of (channels, depth, height, width) inputs to a fixed output size — PyTorch's <c>nn.AdaptiveAvgPool3d</c>: each output
/// cell averages the input cells from ⌊i·n/n'⌋ to ⌈(i + 1)·n/n'⌉ − 1. No parameters.
/// See <see cref="BaseAdaptivePooling"/>.
/// </summary>
public sealed class AdaptiveAveragePooling3D : BaseAdaptivePooling
{
    /// <summary>Creates the layer.</summary>
    /// <param name="outputSize">Output depth, height and width.</param>
    /// <param name="name">Layer name; generated when null.</param>
    public AdaptiveAveragePooling3D(SpatialSize outputSize, string? name = null) : base(3, outputSize, name)
    {
    }
}
