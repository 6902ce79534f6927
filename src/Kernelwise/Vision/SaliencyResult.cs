using static TorchSharp.torch;

namespace Kernelwise.Vision;

/// <summary>
/// A gradient saliency map for a batch of images (<see cref="Interpretation.Saliency"/>): for each pixel, the largest
/// absolute gradient of the class score over the channels. The tensor is float32 on the CPU, owned by this object.
/// </summary>
public sealed class SaliencyResult : IDisposable
{
    internal SaliencyResult(Tensor map, IReadOnlyList<int> classes, IReadOnlyList<float> scores)
    {
        Map = map;
        Classes = classes;
        Scores = scores;
    }

    /// <summary>maxᶜʰᵃⁿⁿᵉˡ |∂yᶜ/∂x|: [N, H, W].</summary>
    public Tensor Map { get; }

    /// <summary>The class explained for each image.</summary>
    public IReadOnlyList<int> Classes { get; }

    /// <summary>The score yᶜ of that class for each image.</summary>
    public IReadOnlyList<float> Scores { get; }

    /// <summary>
    /// Draws one row per image as a PNG: the image, the saliency map (dark for pixels that do not move the score, yellow
    /// for those that move it most, each image scaled by its own maximum) and the map laid over the image.
    /// </summary>
    /// <param name="images">The images explained, [N, C, H, W] or [C, H, W].</param>
    /// <param name="path">The PNG file, written atomically.</param>
    /// <param name="scale">Magnification of each image (by default about 160 pixels a side).</param>
    public void Save(Tensor images, string path, int? scale = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        Guard.NotEmpty(path);
        Pictures.DrawHeatRows(images, Map, path, scale, (pixel, heat) => ColorMaps.Blend(pixel, ColorMaps.Viridis(heat), heat), ColorMaps.Viridis, nameof(images));
    }

    /// <summary>Disposes the tensor.</summary>
    public void Dispose() => Map.Dispose();
}
