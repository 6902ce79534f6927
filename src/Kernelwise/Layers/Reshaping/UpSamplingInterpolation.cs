namespace Kernelwise.Layers;

/// <summary>How <see cref="UpSampling2D"/> fills the new positions.</summary>
public enum UpSamplingInterpolation
{
    /// <summary>Repeat each value (nearest neighbour): each input pixel becomes a block of size × size.</summary>
    Nearest,

    /// <summary>
    /// Bilinear interpolation between pixel centres (half-pixel centres, PyTorch's <c>align_corners=False</c>, as
    /// Keras 3 does); edges repeat the border values.
    /// </summary>
    Bilinear,
}
