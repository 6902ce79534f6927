using System.Globalization;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Processing;

namespace Kernelwise.Data;

/// <summary>
/// Crops a random region of random area and aspect ratio and resizes it to <see cref="Height"/> × <see cref="Width"/> —
/// torchvision's <c>RandomResizedCrop</c>, the standard ImageNet training augmentation. The region's area is a uniform
/// fraction of the image in <see cref="Scale"/> and its aspect ratio (width / height) log-uniform in <see cref="Ratio"/>;
/// after 10 attempts that do not fit, it falls back to a centre crop clamped to the ratio range (as torchvision).
/// </summary>
public sealed class RandomResizedCrop : ImageTransform
{
    /// <summary>Creates the transform.</summary>
    /// <param name="height">Output height.</param>
    /// <param name="width">Output width.</param>
    /// <param name="scale">Range of the region's area as a fraction of the image's; (0.08, 1) by default.</param>
    /// <param name="ratio">Range of the region's aspect ratio (width / height); (3/4, 4/3) by default.</param>
    /// <param name="interpolation">Resampling filter of the resize.</param>
    public RandomResizedCrop(int height, int width, (double Min, double Max)? scale = null, (double Min, double Max)? ratio = null, Interpolation interpolation = Interpolation.Bilinear)
    {
        Height = Guard.Positive(height);
        Width = Guard.Positive(width);
        Scale = scale ?? (0.08, 1.0);
        Ratio = ratio ?? (3.0 / 4.0, 4.0 / 3.0);
        if (!(Scale.Min > 0) || !(Scale.Min <= Scale.Max) || !(Scale.Max <= 1))
            throw new ArgumentOutOfRangeException(nameof(scale), $"Invalid value for argument scale. Expected 0 < min <= max <= 1. Received scale=({Scale.Min}, {Scale.Max}).");
        if (!(Ratio.Min > 0) || !(Ratio.Min <= Ratio.Max) || double.IsInfinity(Ratio.Max))
            throw new ArgumentOutOfRangeException(nameof(ratio), $"Invalid value for argument ratio. Expected 0 < min <= max. Received ratio=({Ratio.Min}, {Ratio.Max}).");
        Interpolation = interpolation.Check();
    }

    /// <summary>Output height.</summary>
    public int Height { get; }

    /// <summary>Output width.</summary>
    public int Width { get; }

    /// <summary>Range of the region's area as a fraction of the image's.</summary>
    public (double Min, double Max) Scale { get; }

    /// <summary>Range of the region's aspect ratio (width / height).</summary>
    public (double Min, double Max) Ratio { get; }

    /// <summary>Resampling filter of the resize.</summary>
    public Interpolation Interpolation { get; }

    /// <inheritdoc />
    public override bool IsRandom => true;

    /// <summary>The region (x, y, width, height) for an image of <paramref name="imageWidth"/> × <paramref name="imageHeight"/>.</summary>
    public Rectangle SampleRegion(int imageWidth, int imageHeight, TransformRandom random)
    {
        double area = (double)imageWidth * imageHeight;
        double logMin = Math.Log(Ratio.Min), logMax = Math.Log(Ratio.Max);
        for (int attempt = 0; attempt < 10; attempt++)
        {
            double target = area * random.Uniform(Scale.Min, Scale.Max);
            double aspect = Math.Exp(random.Uniform(logMin, logMax));
            int w = (int)Math.Round(Math.Sqrt(target * aspect), MidpointRounding.ToEven);
            int h = (int)Math.Round(Math.Sqrt(target / aspect), MidpointRounding.ToEven);
            if (w > 0 && h > 0 && w <= imageWidth && h <= imageHeight)
            {
                int top = random.NextInt(0, imageHeight - h), left = random.NextInt(0, imageWidth - w);
                return new Rectangle(left, top, w, h);
            }
        }
        double inRatio = (double)imageWidth / imageHeight;
        int cw = imageWidth, ch = imageHeight;
        if (inRatio < Ratio.Min) ch = Math.Max(1, (int)Math.Round(cw / Ratio.Min, MidpointRounding.ToEven));
        else if (inRatio > Ratio.Max) cw = Math.Max(1, (int)Math.Round(ch * Ratio.Max, MidpointRounding.ToEven));
        return new Rectangle((imageWidth - cw) / 2, (imageHeight - ch) / 2, cw, ch);
    }

    /// <inheritdoc />
    public override Image Apply(Image image, TransformRandom random)
    {
        var region = SampleRegion(image.Width, image.Height, random);
        if (region.Width == Width && region.Height == Height)
        {
            if (region.Width != image.Width || region.Height != image.Height) image.Mutate(x => x.Crop(region));
            return image;
        }
        // One pass: resample the region straight into the output size (no intermediate cropped copy).
        image.Mutate(x => x.Resize(Width, Height, Interpolation.ToResampler(), region, new Rectangle(0, 0, Width, Height), compand: false));
        return image;
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"RandomResizedCrop(size=({Height}, {Width}), scale=({Scale.Min:0.####}, {Scale.Max:0.####}), ratio=({Ratio.Min:0.####}, {Ratio.Max:0.####}), interpolation={Interpolation})");
}
