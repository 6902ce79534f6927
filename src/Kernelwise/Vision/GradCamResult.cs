using static TorchSharp.torch;

namespace Kernelwise.Vision;

/// <summary>
/// A Grad-CAM for a batch of images (<see cref="Interpretation.GradCam"/>): the class-activation map at the layer's
/// resolution, the same map upsampled to the input's size, the weight of each of the layer's maps, and the class
/// explained with its score. Tensors are float32 on the CPU, owned by this object.
/// </summary>
public sealed class GradCamResult : IDisposable
{
    internal GradCamResult(string layerName, Tensor weights, Tensor map, Tensor heatmap, IReadOnlyList<int> classes, IReadOnlyList<float> scores)
    {
        LayerName = layerName;
        Weights = weights;
        Map = map;
        Heatmap = heatmap;
        Classes = classes;
        Scores = scores;
    }

    /// <summary>The layer whose output was weighted.</summary>
    public string LayerName { get; }

    /// <summary>αᵏ, the global average of the class score's gradient over each of the layer's maps: [N, C].</summary>
    public Tensor Weights { get; }

    /// <summary>ReLU(Σₖ αᵏ Aᵏ) at the layer's resolution: [N, h, w]; zero where no map speaks for the class.</summary>
    public Tensor Map { get; }

    /// <summary><see cref="Map"/> upsampled bilinearly (half-pixel centres) to the input's height and width: [N, H, W].</summary>
    public Tensor Heatmap { get; }

    /// <summary>The class explained for each image.</summary>
    public IReadOnlyList<int> Classes { get; }

    /// <summary>The score yᶜ of that class for each image (the model's output).</summary>
    public IReadOnlyList<float> Scores { get; }

    /// <summary>
    /// Draws one row per image as a PNG: the image, the heat map (blue for none of the class evidence, red for the most,
    /// each image scaled by its own maximum) and the heat map laid over the image.
    /// </summary>
    /// <param name="images">The images explained, [N, C, H, W] or [C, H, W] (grey for one channel, RGB for three, else the first channel).</param>
    /// <param name="path">The PNG file, written atomically.</param>
    /// <param name="opacity">How strongly the heat map covers the image in the overlay, from 0 to 1.</param>
    /// <param name="scale">Magnification of each image (by default about 160 pixels a side).</param>
    public void Save(Tensor images, string path, double opacity = 0.5, int? scale = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        Guard.NotEmpty(path);
        if (!(opacity >= 0 && opacity <= 1))
            throw new ArgumentOutOfRangeException(nameof(opacity), opacity, $"Invalid value for argument opacity. Expected a value from 0 to 1. Received opacity={opacity}.");
        Pictures.DrawHeatRows(images, Heatmap, path, scale, (pixel, heat) => ColorMaps.Blend(pixel, ColorMaps.Jet(heat), opacity), ColorMaps.Jet, nameof(images));
    }

    /// <summary>Disposes the tensors.</summary>
    public void Dispose()
    {
        Weights.Dispose();
        Map.Dispose();
        Heatmap.Dispose();
    }
}
