namespace Kernelwise.Layers;

/// <summary>
/// Average pooling of (channels, height, width) inputs to a fixed output size — PyTorch's <c>nn.AdaptiveAvgPool2d</c>: each output
/// cell averages the input cells from ⌊i·n/n'⌋ to ⌈(i + 1)·n/n'⌉ − 1. Used by torchvision's AlexNet and VGG heads so they accept any input size. No parameters.
/// See <see cref="BaseAdaptivePooling"/>.
/// </summary>
public sealed class AdaptiveAveragePooling2D : BaseAdaptivePooling
{
    /// <summary>Creates the layer.</summary>
    /// <param name="outputSize">Output height and width.</param>
    /// <param name="name">Layer name; generated when null.</param>
    public AdaptiveAveragePooling2D(SpatialSize outputSize, string? name = null) : base(2, outputSize, name)
    {
    }
}
