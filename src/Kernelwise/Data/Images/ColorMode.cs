namespace Kernelwise.Data;

/// <summary>
/// The channels images are converted to when they are read — Keras's <c>color_mode</c>. Every image is converted, so a
/// folder that mixes grayscale, RGB and RGBA files yields tensors with one channel count.
/// </summary>
public enum ColorMode
{
    /// <summary>One channel. Colour images are converted with ITU-R 601 luma (0.299 R + 0.587 G + 0.114 B, as PIL and torchvision); alpha is dropped.</summary>
    Grayscale,

    /// <summary>Three channels (red, green, blue). Grayscale images are replicated; alpha is dropped (not composited), as PIL's <c>convert("RGB")</c>.</summary>
    Rgb,

    /// <summary>Four channels (red, green, blue, alpha). Images without alpha get an opaque alpha of 1.</summary>
    Rgba,
}
