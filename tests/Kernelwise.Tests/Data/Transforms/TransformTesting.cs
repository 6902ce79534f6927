using Kernelwise.Data;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Kernelwise.Tests.Data.Transforms;

/// <summary>Helpers for transform tests: run one step on a copy of an image, read pixels back.</summary>
internal static class TransformTesting
{
    /// <summary>Applies <paramref name="transform"/> to a copy of <paramref name="image"/> with the random numbers of (seed, 0, index, 0).</summary>
    public static Image<Rgb24> Apply(ImageTransform transform, Image<Rgb24> image, int seed = 0, long index = 0)
    {
        var copy = image.Clone();
        var result = transform.Apply(copy, TransformRandom.For(seed, 0, index, 0));
        if (!ReferenceEquals(result, copy)) copy.Dispose();
        if (result is Image<Rgb24> rgb) return rgb;
        using (result) return result.CloneAs<Rgb24>();
    }

    public static Rgb24[,] Pixels(Image<Rgb24> image)
    {
        var p = new Rgb24[image.Height, image.Width];
        for (int y = 0; y < image.Height; y++)
            for (int x = 0; x < image.Width; x++)
                p[y, x] = image[x, y];
        return p;
    }

    /// <summary>A w×h image with every pixel distinct (a unique id in R and G), so moves can be traced exactly.</summary>
    public static Image<Rgb24> Ids(int width, int height)
    {
        var image = new Image<Rgb24>(width, height);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                image[x, y] = new Rgb24((byte)(x + 1), (byte)(y + 1), 200);
        return image;
    }
}
