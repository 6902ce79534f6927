using System.Globalization;
using SixLabors.ImageSharp;

namespace Kernelwise.Data;

/// <summary>
/// Crops a random <see cref="Height"/> × <see cref="Width"/> window — torchvision's <c>RandomCrop</c>, the classic
/// CIFAR augmentation with <c>padding: 4</c>. The image is first padded with <see cref="Padding"/> zero pixels on every
/// side; the window's top-left corner is uniform over every position that fits.
/// </summary>
public sealed class RandomCrop : ImageTransform
{
    /// <summary>A square crop.</summary>
    /// <param name="size">Output height and width.</param>
    /// <param name="padding">Zero pixels added on every side before cropping.</param>
    /// <param name="padIfNeeded">Pad an image smaller than the crop (torchvision's <c>pad_if_needed</c>) instead of failing.</param>
    public RandomCrop(int size, int padding = 0, bool padIfNeeded = false)
        : this(size, size, padding, padIfNeeded)
    {
    }

    /// <summary>A <paramref name="height"/> × <paramref name="width"/> crop.</summary>
    /// <param name="height">Output height.</param>
    /// <param name="width">Output width.</param>
    /// <param name="padding">Zero pixels added on every side before cropping.</param>
    /// <param name="padIfNeeded">Pad an image smaller than the crop (torchvision's <c>pad_if_needed</c>) instead of failing.</param>
    public RandomCrop(int height, int width, int padding = 0, bool padIfNeeded = false)
    {
        Height = Guard.Positive(height);
        Width = Guard.Positive(width);
        Padding = Guard.NonNegative(padding);
        PadIfNeeded = padIfNeeded;
    }

    /// <summary>Output height.</summary>
    public int Height { get; }

    /// <summary>Output width.</summary>
    public int Width { get; }

    /// <summary>Zero pixels added on every side before cropping.</summary>
    public int Padding { get; }

    /// <summary>Whether an image smaller than the crop is padded rather than refused.</summary>
    public bool PadIfNeeded { get; }

    /// <inheritdoc />
    public override bool IsRandom => true;

    /// <inheritdoc />
    public override Image Apply(Image image, TransformRandom random)
    {
        // Coordinates of the padded image, relative to the original's top-left corner.
        int padTop = Padding, padLeft = Padding;
        int h = image.Height + 2 * Padding, w = image.Width + 2 * Padding;
        if (PadIfNeeded && h < Height)
        {
            padTop += Height - h; // torchvision pads the missing rows on both sides
            h += 2 * (Height - h);
        }
        if (PadIfNeeded && w < Width)
        {
            padLeft += Width - w;
            w += 2 * (Width - w);
        }
        if (h < Height || w < Width)
        {
            throw new InvalidOperationException(
                $"{this} received a {image.Width}×{image.Height} image (width×height), {w}×{h} after padding: the crop is larger than the image. " +
                "Resize the images first, or pass a larger padding or padIfNeeded: true.");
        }
        int top = random.NextInt(0, h - Height), left = random.NextInt(0, w - Width);
        return PixelOps.CropWithFill(image, new Rectangle(left - padLeft, top - padTop, Width, Height));
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"RandomCrop(size=({Height}, {Width}), padding={Padding}{(PadIfNeeded ? ", pad_if_needed=True" : "")})");
}
