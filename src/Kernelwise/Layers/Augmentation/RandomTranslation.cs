using Kernelwise.Data;
using Kernelwise.Modules;
using static TorchSharp.torch;

namespace Kernelwise.Layers;

/// <summary>
/// Shifts each image by a random amount during training; the identity at evaluation and prediction — Keras's
/// <c>RandomTranslation</c>. Vertical shifts are drawn uniformly in [−heightFactor · H, heightFactor · H], horizontal ones
/// in [−widthFactor · W, widthFactor · W]. Input (C, H, W), same shape out; no parameters. Exported to ONNX as the identity.
/// </summary>
public sealed class RandomTranslation : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="heightFactor">Largest vertical shift as a fraction of the height, in [0, 1].</param>
    /// <param name="widthFactor">Largest horizontal shift as a fraction of the width, in [0, 1].</param>
    /// <param name="fillMode">What fills the area shifted into view.</param>
    /// <param name="interpolation">Bilinear (default) or Nearest.</param>
    /// <param name="fillValue">The value of <see cref="FillMode.Constant"/>.</param>
    /// <param name="name">Layer name; generated when null.</param>
    public RandomTranslation(double heightFactor, double widthFactor, FillMode fillMode = FillMode.Reflect, Interpolation interpolation = Interpolation.Bilinear,
        double fillValue = 0, string? name = null) : base(name)
    {
        RandomAffine.CheckFactor(heightFactor, nameof(heightFactor), nameof(RandomTranslation), 1);
        RandomAffine.CheckFactor(widthFactor, nameof(widthFactor), nameof(RandomTranslation), 1);
        RandomAffine.Check(fillMode, interpolation, fillValue, nameof(RandomTranslation));
        (HeightFactor, WidthFactor, FillMode, Interpolation, FillValue) = (heightFactor, widthFactor, fillMode, interpolation, fillValue);
    }

    /// <summary>Largest vertical shift, as a fraction of the height.</summary>
    public double HeightFactor { get; }

    /// <summary>Largest horizontal shift, as a fraction of the width.</summary>
    public double WidthFactor { get; }

    /// <summary>What fills the area shifted into view.</summary>
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
        var (mode, padding) = RandomAffine.Check(FillMode, Interpolation, FillValue, nameof(RandomTranslation));
        return new RandomAffineModule(Name, 0, HeightFactor, WidthFactor, null, null, mode, padding, FillValue);
    }
}
