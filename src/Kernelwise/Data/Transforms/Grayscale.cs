using System.Globalization;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Advanced;
using SixLabors.ImageSharp.PixelFormats;

namespace Kernelwise.Data;

/// <summary>
/// Converts the image to gray — torchvision's <c>Grayscale</c>: ITU-R 601 luma (0.299 R + 0.587 G + 0.114 B), with 1
/// output channel or the gray value replicated into 3 (to keep a network's RGB input shape). Alpha is dropped.
/// </summary>
public sealed class Grayscale : ImageTransform
{
    /// <summary>Creates the transform.</summary>
    /// <param name="numOutputChannels">1 or 3.</param>
    public Grayscale(int numOutputChannels = 1)
    {
        if (numOutputChannels is not (1 or 3))
            throw new ArgumentOutOfRangeException(nameof(numOutputChannels), numOutputChannels, $"Invalid value for argument numOutputChannels. Expected 1 or 3. Received numOutputChannels={numOutputChannels}.");
        NumOutputChannels = numOutputChannels;
    }

    /// <summary>1 or 3.</summary>
    public int NumOutputChannels { get; }

    /// <inheritdoc />
    public override Image Apply(Image image, TransformRandom random)
    {
        if (NumOutputChannels == 1) return image is Image<L8> ? image : PixelOps.ToLuma(image);
        using var luma = PixelOps.ToLuma(image);
        var result = new Image<Rgb24>(image.GetConfiguration(), image.Width, image.Height);
        for (int y = 0; y < image.Height; y++)
        {
            var src = luma.DangerousGetPixelRowMemory(y).Span;
            var dst = result.DangerousGetPixelRowMemory(y).Span;
            for (int x = 0; x < src.Length; x++)
            {
                byte g = src[x].PackedValue;
                dst[x] = new Rgb24(g, g, g);
            }
        }
        return result;
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"Grayscale(num_output_channels={NumOutputChannels})");
}
