namespace Kernelwise.Layers;

/// <summary>Which flips <see cref="RandomFlip"/> draws (Keras's <c>mode</c>).</summary>
public enum FlipMode
{
    /// <summary>Left-right flips.</summary>
    Horizontal,

    /// <summary>Upside-down flips.</summary>
    Vertical,

    /// <summary>Both, drawn independently.</summary>
    HorizontalAndVertical,
}
