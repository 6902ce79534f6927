using System.Globalization;
using System.Numerics;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Processing;

namespace Kernelwise.Data;

/// <summary>
/// Rotates the image by a uniform random angle in [<see cref="MinDegrees"/>, <see cref="MaxDegrees"/>] about its
/// centre — torchvision's <c>RandomRotation</c> (positive angles turn counter-clockwise; the output keeps the input's
/// size; corners outside the rotated image are filled with zeros).
/// </summary>
public sealed class RandomRotation : ImageTransform
{
    /// <summary>Angles uniform in [−<paramref name="degrees"/>, <paramref name="degrees"/>].</summary>
    public RandomRotation(double degrees, Interpolation interpolation = Interpolation.Nearest)
        : this(-Guard.NonNegative(degrees), degrees, interpolation)
    {
    }

    /// <summary>Angles uniform in [<paramref name="minDegrees"/>, <paramref name="maxDegrees"/>].</summary>
    public RandomRotation(double minDegrees, double maxDegrees, Interpolation interpolation = Interpolation.Nearest)
    {
        if (!double.IsFinite(minDegrees) || !double.IsFinite(maxDegrees) || minDegrees > maxDegrees)
            throw new ArgumentOutOfRangeException(nameof(minDegrees), $"Invalid value for argument degrees. Expected finite min <= max. Received degrees=({minDegrees}, {maxDegrees}).");
        MinDegrees = minDegrees;
        MaxDegrees = maxDegrees;
        Interpolation = interpolation.Check();
    }

    /// <summary>Smallest angle, in degrees.</summary>
    public double MinDegrees { get; }

    /// <summary>Largest angle, in degrees.</summary>
    public double MaxDegrees { get; }

    /// <summary>Resampling filter.</summary>
    public Interpolation Interpolation { get; }

    /// <inheritdoc />
    public override bool IsRandom => MinDegrees != MaxDegrees;

    /// <inheritdoc />
    public override Image Apply(Image image, TransformRandom random)
    {
        double degrees = random.Uniform(MinDegrees, MaxDegrees);
        if (degrees == 0) return image;
        return Rotate(image, degrees, Interpolation);
    }

    /// <summary>Rotates counter-clockwise by <paramref name="degrees"/> about the centre, keeping the size; returns a new image.</summary>
    internal static Image Rotate(Image image, double degrees, Interpolation interpolation)
    {
        // ImageSharp maps source to destination coordinates (y down, pixel centres at integers); a negative angle there
        // turns counter-clockwise on screen. The centre ((W − 1) / 2, (H − 1) / 2) is torchvision's.
        var center = new Vector2((image.Width - 1) / 2f, (image.Height - 1) / 2f);
        var matrix = Matrix3x2.CreateRotation((float)(-degrees * Math.PI / 180), center);
        var size = image.Size();
        return image.Clone(x => x.Transform(new Rectangle(Point.Empty, size), matrix, size, interpolation.ToResampler()));
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"RandomRotation(degrees=({MinDegrees}, {MaxDegrees}), interpolation={Interpolation})");
}
