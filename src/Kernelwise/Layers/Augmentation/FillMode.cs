namespace Kernelwise.Layers;

/// <summary>What fills the area a random rotation, translation or zoom moves into the image (Keras's <c>fill_mode</c>).</summary>
public enum FillMode
{
    /// <summary>The image mirrored at its border (PyTorch's <c>grid_sample</c> <c>reflection</c>).</summary>
    Reflect,

    /// <summary>A constant value (<c>fillValue</c>).</summary>
    Constant,

    /// <summary>The nearest border pixel repeated (<c>grid_sample</c>'s <c>border</c>).</summary>
    Nearest,
}
