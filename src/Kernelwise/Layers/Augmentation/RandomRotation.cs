using Kernelwise.Data;
using Kernelwise.Modules;
using static TorchSharp.torch;

namespace Kernelwise.Layers;

/// <summary>
/// Rotates each image by a random angle during training; the identity at evaluation and prediction — Keras's
/// <c>RandomRotation</c>. <see cref="Factor"/> is a fraction of a full turn: angles are drawn uniformly in
/// [−factor · 360°, factor · 360°] (0.1 → ±36°). Input (C, H, W), same shape out; no parameters. Exported to ONNX as the
/// identity. Kernelwise's image transform of the same name (<c>Kernelwise.Data.RandomRotation</c>) works on decoded images
/// instead, outside the model.
/// </summary>
public sealed class RandomRotation : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="factor">Largest rotation as a fraction of a full turn, in [0, 0.5].</param>
    /// <param name="fillMode">What fills the corners rotated into view.</param>
    /// <param name="interpolation">Bilinear (default) or Nearest.</param>
    /// <param name="fillValue">The value of <see cref="FillMode.Constant"/>.</param>
    /// <param name="name">Layer name; generated when null.</param>
    public RandomRotation(double factor, FillMode fillMode = FillMode.Reflect, Interpolation interpolation = Interpolation.Bilinear, double fillValue = 0, string? name = null)
        : base(name)
    {
        RandomAffine.CheckFactor(factor, nameof(factor), nameof(RandomRotation), 0.5);
        RandomAffine.Check(fillMode, interpolation, fillValue, nameof(RandomRotation));
        (Factor, FillMode, Interpolation, FillValue) = (factor, fillMode, interpolation, fillValue);
    }

    /// <summary>Largest rotation, as a fraction of a full turn.</summary>
    public double Factor { get; }

    /// <summary>What fills the area rotated into view.</summary>
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
        var (mode, padding) = RandomAffine.Check(FillMode, Interpolation, FillValue, nameof(RandomRotation));
        return new RandomAffineModule(Name, Factor * 2 * Math.PI, 0, 0, null, null, mode, padding, FillValue);
    }
}
