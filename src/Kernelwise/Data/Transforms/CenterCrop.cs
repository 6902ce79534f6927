using System.Globalization;
using SixLabors.ImageSharp;

namespace Kernelwise.Data;

/// <summary>
/// Crops the centre of the image — torchvision's <c>CenterCrop</c>. An image smaller than the crop is padded with zeros
/// (black) around it first, so the output always has the requested size.
/// </summary>
public sealed class CenterCrop : ImageTransform
{
    /// <summary>A square <paramref name="size"/> × <paramref name="size"/> crop.</summary>
    public CenterCrop(int size)
        : this(size, size)
    {
    }

    /// <summary>A <paramref name="height"/> × <paramref name="width"/> crop.</summary>
    public CenterCrop(int height, int width)
    {
        Height = Guard.Positive(height);
        Width = Guard.Positive(width);
    }

    /// <summary>Output height.</summary>
    public int Height { get; }

    /// <summary>Output width.</summary>
    public int Width { get; }

    /// <inheritdoc />
    public override Image Apply(Image image, TransformRandom random)
    {
        if (image.Height == Height && image.Width == Width) return image;
        int top = Offset(image.Height, Height), left = Offset(image.Width, Width);
        return PixelOps.CropWithFill(image, new Rectangle(left, top, Width, Height));
    }

    /// <summary>torchvision's offsets: round((size − crop) / 2) inside the image, −((crop − size) // 2) when padding.</summary>
    internal static int Offset(int size, int crop) => size >= crop
        ? (int)Math.Round((size - crop) / 2.0, MidpointRounding.ToEven)
        : -((crop - size) / 2);

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"CenterCrop(size=({Height}, {Width}))");
}
