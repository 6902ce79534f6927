using Kernelwise.Layers;
using Kernelwise.Models;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using static TorchSharp.torch;

namespace Kernelwise.Vision;

/// <summary>
/// Pictures of a network's insides as PNG files: the filters of a convolution (<see cref="SaveFilters"/>) and the
/// feature maps a layer computes for an image (<see cref="SaveFeatureMaps"/>). Class-activation and saliency maps are
/// drawn by <see cref="GradCamResult.Save"/> and <see cref="SaliencyResult.Save"/>. Files are written atomically; each
/// source pixel is drawn as a square of <c>scale</c> × <c>scale</c> pixels, tiles separated by a white gap.
/// </summary>
public static class Pictures
{
    /// <summary>
    /// Draws the filters of a 2D convolution, one tile per filter: the first layer's filters show what the network looks
    /// for in the pixels (edges, blobs, colours). Kernels with three input channels are drawn in colour (RGB, each
    /// filter stretched from its smallest to its largest weight); others per input channel in blue (negative), white
    /// (zero) and red (positive), each filter scaled by its largest absolute weight — one tile per filter for one input
    /// channel, else one row per filter and one column per input channel.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="path">The PNG file.</param>
    /// <param name="layerName">A layer with a kernel [filters, channels, kh, kw] (by unique name or path); by default the first 2D convolution.</param>
    /// <param name="scale">Magnification of each kernel (by default about 48 pixels a side).</param>
    /// <exception cref="ArgumentException">The model has no such layer, or the layer has no 2D kernel.</exception>
    public static void SaveFilters(this Model model, string path, string? layerName = null, int? scale = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Guard.NotEmpty(path);
        if (scale is { } s) Guard.Positive(s, nameof(scale));
        var kernel = FindKernel(model, layerName);
        using var scope = NewDisposeScope();
        var w = kernel.detach().to(ScalarType.Float32).cpu().contiguous();
        int filters = (int)w.shape[0], channels = (int)w.shape[1], kh = (int)w.shape[2], kw = (int)w.shape[3];
        float[] v = w.data<float>().ToArray();
        int zoom = scale ?? Canvas.ScaleFor(Math.Max(kh, kw), 48);
        int size = kh * kw, perFilter = channels * size;
        if (channels == 3)
        {
            int columns = Canvas.ColumnsFor(filters);
            var canvas = new Canvas((filters + columns - 1) / columns, columns, kh * zoom, kw * zoom);
            for (int f = 0; f < filters; f++)
            {
                var (lo, hi) = Range(v, f * perFilter, perFilter);
                int offset = f * perFilter;
                canvas.Draw(f / columns, f % columns, kh, kw, zoom, (y, x) => new Rgb24(
                    Byte(Stretch(v[offset + y * kw + x], lo, hi)), Byte(Stretch(v[offset + size + y * kw + x], lo, hi)), Byte(Stretch(v[offset + 2 * size + y * kw + x], lo, hi))));
            }
            canvas.Save(path);
            return;
        }
        int gridColumns = channels == 1 ? Canvas.ColumnsFor(filters) : channels;
        int gridRows = channels == 1 ? (filters + gridColumns - 1) / gridColumns : filters;
        var grid = new Canvas(gridRows, gridColumns, kh * zoom, kw * zoom);
        for (int f = 0; f < filters; f++)
        {
            double largest = 0;
            for (int i = 0; i < perFilter; i++) largest = Math.Max(largest, Math.Abs(v[f * perFilter + i]));
            for (int c = 0; c < channels; c++)
            {
                int offset = f * perFilter + c * size;
                int row = channels == 1 ? f / gridColumns : f, column = channels == 1 ? f % gridColumns : c;
                grid.Draw(row, column, kh, kw, zoom, (y, x) => ColorMaps.Diverging(largest == 0 ? 0 : v[offset + y * kw + x] / largest));
            }
        }
        grid.Save(path);
    }

    /// <summary>
    /// Draws the feature maps that layer <paramref name="layerName"/> computes for one image, one tile per channel in
    /// channel order (tile k is the response of filter k), each stretched from its smallest (dark purple) to its
    /// largest value (yellow); a map that is constant — a filter that does not respond — is drawn dark.
    /// </summary>
    /// <param name="model">A model with one image input.</param>
    /// <param name="image">One image [C, H, W] or a batch of one [1, C, H, W].</param>
    /// <param name="layerName">A layer with a spatial output (C, h, w): a convolution, pooling, a residual block; nested ones by unique name or path.</param>
    /// <param name="path">The PNG file.</param>
    /// <param name="maxMaps">Draw at most this many channels (the first ones).</param>
    /// <param name="scale">Magnification of each map (by default about 64 pixels a side).</param>
    /// <exception cref="ArgumentException">The layer does not exist or has no spatial output, or the image has the wrong shape.</exception>
    public static void SaveFeatureMaps(this Model model, Tensor image, string layerName, string path, int maxMaps = 64, int? scale = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Guard.NotEmpty(layerName);
        Guard.NotEmpty(path);
        Guard.Positive(maxMaps);
        if (scale is { } s) Guard.Positive(s, nameof(scale));
        var batch = Interpretation.Batch(model, image, nameof(SaveFeatureMaps));
        if (batch.shape[0] != 1)
            throw new ArgumentException($"SaveFeatureMaps draws the maps of one image; received a batch of {batch.shape[0]} [{string.Join(", ", image.shape)}]. Pass image[i].", nameof(image));
        using var scope = NewDisposeScope();
        using var activations = model.GetActivations(batch, layerName);
        var maps = activations[layerName];
        if (maps.dim() != 4)
        {
            throw new ArgumentException(
                $"Feature maps need a layer with a spatial output [N, C, h, w]; layer '{layerName}' of model '{model.Name}' outputs [{string.Join(", ", maps.shape)}].", nameof(layerName));
        }
        int channels = (int)Math.Min(maps.shape[1], maxMaps), h = (int)maps.shape[2], w = (int)maps.shape[3];
        float[] v = maps[0].narrow(0, 0, channels).detach().to(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
        int zoom = scale ?? Canvas.ScaleFor(Math.Max(h, w), 64);
        int columns = Canvas.ColumnsFor(channels);
        var canvas = new Canvas((channels + columns - 1) / columns, columns, h * zoom, w * zoom);
        for (int c = 0; c < channels; c++)
        {
            int offset = c * h * w;
            var (lo, hi) = Range(v, offset, h * w);
            canvas.Draw(c / columns, c % columns, h, w, zoom, (y, x) => ColorMaps.Viridis(hi > lo ? (v[offset + y * w + x] - lo) / (hi - lo) : 0));
        }
        canvas.Save(path);
    }

    /// <summary>
    /// One row per image: the image, the heat map through <paramref name="colour"/>, and the heat laid over the image by
    /// <paramref name="overlay"/>. The heat map [N, H, W] (at the images' size) is upsampled bilinearly to the drawn size
    /// and scaled by each image's maximum.
    /// </summary>
    internal static void DrawHeatRows(Tensor images, Tensor heat, string path, int? scale, Func<Rgb24, double, Rgb24> overlay, Func<double, Rgb24> colour, string argument)
    {
        if (scale is { } s) Guard.Positive(s, nameof(scale));
        using var scope = NewDisposeScope();
        var batch = images.dim() == 3 ? images.unsqueeze(0) : images;
        if (batch.dim() != 4 || batch.shape[0] != heat.shape[0] || batch.shape[2] != heat.shape[1] || batch.shape[3] != heat.shape[2])
            throw new ArgumentException($"The images [{string.Join(", ", images.shape)}] do not match the maps [{string.Join(", ", heat.shape)}]: expected [{heat.shape[0]}, C, {heat.shape[1]}, {heat.shape[2]}], the images that were explained.", argument);
        int n = (int)batch.shape[0], channels = (int)batch.shape[1], h = (int)batch.shape[2], w = (int)batch.shape[3];
        int zoom = scale ?? Canvas.ScaleFor(Math.Max(h, w), 160);
        int dh = h * zoom, dw = w * zoom;
        var pixels = batch.detach().to(ScalarType.Float32).cpu().contiguous();
        var peak = heat.amax(new long[] { 1, 2 }, keepdim: true).clamp_min(1e-12);
        var large = nn.functional.interpolate((heat / peak).unsqueeze(1), new long[] { dh, dw }, mode: InterpolationMode.Bilinear, align_corners: false)
            .squeeze(1).clamp(0, 1).contiguous();
        float[] heatValues = large.data<float>().ToArray();
        var canvas = new Canvas(n, 3, dh, dw);
        for (int i = 0; i < n; i++)
        {
            var picture = ImageColours(pixels[i], channels, h, w);
            int offset = i * dh * dw;
            canvas.Draw(i, 0, h, w, zoom, (y, x) => picture[y * w + x]);
            canvas.Draw(i, 1, dh, dw, 1, (y, x) => colour(heatValues[offset + y * dw + x]));
            canvas.Draw(i, 2, dh, dw, 1, (y, x) => overlay(picture[y / zoom * w + x / zoom], heatValues[offset + y * dw + x]));
        }
        canvas.Save(path);
    }

    /// <summary>An image [C, H, W] as colours, stretched from its smallest to its largest value: grey for one channel, RGB for three, else the first channel.</summary>
    private static Rgb24[] ImageColours(Tensor image, int channels, int h, int w)
    {
        float[] v = image.data<float>().ToArray();
        var (lo, hi) = Range(v, 0, v.Length);
        var result = new Rgb24[h * w];
        for (int p = 0; p < result.Length; p++)
        {
            result[p] = channels == 3
                ? new Rgb24(Byte(Stretch(v[p], lo, hi)), Byte(Stretch(v[h * w + p], lo, hi)), Byte(Stretch(v[2 * h * w + p], lo, hi)))
                : ColorMaps.Grey(Stretch(v[p], lo, hi));
        }
        return result;
    }

    /// <summary>The 2D kernel of the named layer, or of the first 2D convolution.</summary>
    private static Tensor FindKernel(Model model, string? layerName)
    {
        var parameters = model.Network.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        var layers = LayerPaths.Walk(model.Graph).ToList();
        if (layerName is null)
        {
            foreach (var (path, layer) in layers)
            {
                if (layer is Conv2D && parameters.TryGetValue(path + ".weight", out var weight) && weight.dim() == 4) return weight;
            }
            throw new ArgumentException($"Model '{model.Name}' has no Conv2D layer whose filters could be drawn. Name a layer with a 2D kernel. Its layers: {LayerPaths.Describe(model.Graph)}.", nameof(layerName));
        }
        var target = LayerPaths.Find(model.Graph, layerName)
            ?? throw new ArgumentException($"Model '{model.Name}' has no layer named '{layerName}'. Its layers (nested ones by path): {LayerPaths.Describe(model.Graph)}.", nameof(layerName));
        string targetPath = layers.First(e => ReferenceEquals(e.Layer, target)).Path;
        if (parameters.TryGetValue(targetPath + ".weight", out var kernel) && kernel.dim() == 4) return kernel;
        throw new ArgumentException(
            $"Layer '{layerName}' ({target.TypeName}) of model '{model.Name}' has no 2D kernel [filters, channels, height, width] to draw; name a Conv2D (or another layer with a 4-D weight).", nameof(layerName));
    }

    private static (double Low, double High) Range(float[] v, int offset, int count)
    {
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        for (int i = offset; i < offset + count; i++)
        {
            lo = Math.Min(lo, v[i]);
            hi = Math.Max(hi, v[i]);
        }
        return (lo, hi);
    }

    private static double Stretch(double value, double lo, double hi) => hi > lo ? (value - lo) / (hi - lo) : 0;

    private static byte Byte(double t) => (byte)Math.Clamp((int)Math.Round(255 * t), 0, 255);
}
