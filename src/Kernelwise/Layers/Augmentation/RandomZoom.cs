using Kernelwise.Data;
using Kernelwise.Modules;
using static TorchSharp.torch;

namespace Kernelwise.Layers;

/// <summary>
/// Zooms each image in or out by a random amount during training; the identity at evaluation and prediction — Keras's
/// <c>RandomZoom</c>. A zoom factor z is drawn uniformly in [−heightFactor, heightFactor]: positive z zooms out (the image
/// shrinks by 1 + z), negative z zooms in. Without <see cref="WidthFactor"/> both axes use the same draw (aspect ratio
/// kept). Input (C, H, W), same shape out; no parameters. Exported to ONNX as the identity.
/// </summary>
public sealed class RandomZoom : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="heightFactor">Largest vertical zoom, in [0, 0.9].</param>
    /// <param name="widthFactor">Largest horizontal zoom, drawn independently; null to reuse the vertical draw.</param>
    /// <param name="fillMode">What fills the area zoomed out into view.</param>
    /// <param name="interpolation">Bilinear (default) or Nearest.</param>
    /// <param name="fillValue">The value of <see cref="FillMode.Constant"/>.</param>
    /// <param name="name">Layer name; generated when null.</param>
    public RandomZoom(double heightFactor, double? widthFactor = null, FillMode fillMode = FillMode.Reflect, Interpolation interpolation = Interpolation.Bilinear,
        double fillValue = 0, string? name = null) : base(name)
    {
        RandomAffine.CheckFactor(heightFactor, nameof(heightFactor), nameof(RandomZoom), 0.9);
        if (widthFactor is double wf) RandomAffine.CheckFactor(wf, nameof(widthFactor), nameof(RandomZoom), 0.9);
        RandomAffine.Check(fillMode, interpolation, fillValue, nameof(RandomZoom));
        (HeightFactor, WidthFactor, FillMode, Interpolation, FillValue) = (heightFactor, widthFactor, fillMode, interpolation, fillValue);
    }

    /// <summary>Largest vertical zoom.</summary>
    public double HeightFactor { get; }

    /// <summary>Largest horizontal zoom; null when the vertical draw is reused.</summary>
    public double? WidthFactor { get; }

    /// <summary>What fills the area zoomed out into view.</summary>
    public FillMode FillMode { get; }

    /// <summary>The resampling.</summary>
    public Interpolation Interpolation { get; }

    /// <summary>The constant fill value.</summary>
    public double FillValue { get; }

    /// <inheritdoc />
    public override Shape ComputeOutputShape(Shape input)
    {
        ArgumentNullException.ThrowIfNull(input);
        RequireRank(input, 3, "channels, height, width");
        return input;
    }

    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> CreateModule(Shape input)
    {
        var (mode, padding) = RandomAffine.Check(FillMode, Interpolation, FillValue, nameof(RandomZoom));
        var height = (-HeightFactor, HeightFactor);
        (double, double)? width = WidthFactor is double w ? (-w, w) : null;
        return new RandomAffineModule(Name, 0, 0, 0, height, width, mode, padding, FillValue);
    }
}
