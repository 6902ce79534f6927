using SixLabors.ImageSharp.Processing;
using SixLabors.ImageSharp.Processing.Processors.Transforms;

namespace Kernelwise.Data;

/// <summary>How pixels are resampled when an image is resized or rotated — Keras's and torchvision's <c>interpolation</c>.</summary>
public enum Interpolation
{
    /// <summary>Nearest neighbour: no new pixel values (torchvision's default for rotation).</summary>
    Nearest,

    /// <summary>Bilinear (a triangle filter, widened when shrinking so that downscaling is antialiased, as PIL).</summary>
    Bilinear,

    /// <summary>Bicubic.</summary>
    Bicubic,

    /// <summary>Area averaging (a box filter).</summary>
    Area,

    /// <summary>Lanczos with a 3-lobe window.</summary>
    Lanczos3,

    /// <summary>Lanczos with a 5-lobe window.</summary>
    Lanczos5,

    /// <summary>Mitchell–Netravali cubic.</summary>
    MitchellCubic,
}

/// <summary>Maps <see cref="Interpolation"/> to ImageSharp's resamplers.</summary>
internal static class InterpolationExtensions
{
    public static IResampler ToResampler(this Interpolation interpolation) => interpolation switch
    {
        Interpolation.Nearest => KnownResamplers.NearestNeighbor,
        Interpolation.Bilinear => KnownResamplers.Triangle,
        Interpolation.Bicubic => KnownResamplers.Bicubic,
        Interpolation.Area => KnownResamplers.Box,
        Interpolation.Lanczos3 => KnownResamplers.Lanczos3,
        Interpolation.Lanczos5 => KnownResamplers.Lanczos5,
        Interpolation.MitchellCubic => KnownResamplers.MitchellNetravali,
        _ => throw new ArgumentOutOfRangeException(nameof(interpolation), interpolation, $"Invalid value for argument interpolation. Expected one of {string.Join(", ", Enum.GetNames<Interpolation>())}. Received interpolation={interpolation}."),
    };

    public static Interpolation Check(this Interpolation interpolation)
    {
        _ = interpolation.ToResampler();
        return interpolation;
    }
}
