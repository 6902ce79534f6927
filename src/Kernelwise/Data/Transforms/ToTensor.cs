using SixLabors.ImageSharp;
using static TorchSharp.torch;

namespace Kernelwise.Data;

/// <summary>
/// Turns the image into a float32 tensor [C, H, W] with values in [0, 1] — torchvision's <c>ToTensor</c>: pixel values
/// are divided by 255 and the channels become the first dimension (C = 1 for grayscale, 3 for RGB, 4 for RGBA).
/// Batches of such samples are NCHW. Image steps come before it, tensor steps (<see cref="Normalize"/>) after it; a
/// pipeline without it converts at the end.
/// </summary>
public sealed class ToTensor : Transform
{
    /// <summary>Shape [C, H, W] of <paramref name="image"/> as a tensor.</summary>
    public static (int Channels, int Height, int Width) ShapeOf(Image image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return (PixelOps.Channels(image), image.Height, image.Width);
    }

    /// <summary>Writes <paramref name="image"/> as [C, H, W] float32 values in [0, 1] into <paramref name="destination"/> (C·H·W values).</summary>
    public void Write(Image image, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(image);
        var (c, h, w) = ShapeOf(image);
        if (destination.Length != c * h * w)
            throw new ArgumentException($"The destination holds {destination.Length} values; a {c}×{h}×{w} image needs {c * h * w}.", nameof(destination));
        PixelOps.WriteChw(image, destination);
    }

    /// <summary>A new float32 tensor [C, H, W] in [0, 1]; the caller owns it.</summary>
    public Tensor Apply(Image image)
    {
        var (c, h, w) = ShapeOf(image);
        var values = new float[c * h * w];
        Write(image, values);
        return tensor(values, new long[] { c, h, w });
    }

    /// <inheritdoc />
    public override string ToString() => "ToTensor()";
}
