using System.Globalization;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Processing;

namespace Kernelwise.Data;

/// <summary>
/// Resizes the image — torchvision's <c>Resize</c>. With one size, the smaller edge becomes that size and the aspect
/// ratio is kept (a 400×300 image with size 256 becomes 341×256); with a height and a width, the image is stretched to
/// exactly that size.
/// </summary>
public sealed class Resize : ImageTransform
{
    /// <summary>Resizes so that the smaller edge is <paramref name="size"/>, keeping the aspect ratio.</summary>
    public Resize(int size, Interpolation interpolation = Interpolation.Bilinear)
    {
        Size = Guard.Positive(size);
        Interpolation = interpolation.Check();
    }

    /// <summary>Resizes to exactly <paramref name="height"/> × <paramref name="width"/>.</summary>
    public Resize(int height, int width, Interpolation interpolation = Interpolation.Bilinear)
    {
        Height = Guard.Positive(height);
        Width = Guard.Positive(width);
        Interpolation = interpolation.Check();
    }

    /// <summary>Target of the smaller edge (null when <see cref="Height"/> and <see cref="Width"/> are set).</summary>
    public int? Size { get; }

    /// <summary>Target height (null for a smaller-edge resize).</summary>
    public int? Height { get; }

    /// <summary>Target width (null for a smaller-edge resize).</summary>
    public int? Width { get; }

    /// <summary>The resampling filter.</summary>
    public Interpolation Interpolation { get; }

    /// <summary>The output (height, width) for an input of <paramref name="height"/> × <paramref name="width"/>.</summary>
    public (int Height, int Width) OutputSize(int height, int width)
    {
        if (Size is not int s) return (Height!.Value, Width!.Value);
        // torchvision: the shorter side becomes s, the longer one int(s · long / short) (truncated).
        return height <= width
            ? (s, (int)((long)s * width / height))
            : ((int)((long)s * height / width), s);
    }

    /// <inheritdoc />
    public override Image Apply(Image image, TransformRandom random)
    {
        var (h, w) = OutputSize(image.Height, image.Width);
        if (h == image.Height && w == image.Width) return image;
        image.Mutate(x => x.Resize(w, h, Interpolation.ToResampler()));
        return image;
    }

    /// <inheritdoc />
    public override string ToString() => Size is int s
        ? string.Create(CultureInfo.InvariantCulture, $"Resize(size={s}, interpolation={Interpolation})")
        : string.Create(CultureInfo.InvariantCulture, $"Resize(size=({Height}, {Width}), interpolation={Interpolation})");
}
