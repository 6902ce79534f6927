using Kernelwise.Modules;
using static TorchSharp.torch;

namespace Kernelwise.Layers;

/// <summary>
/// Randomly zeroes a fraction <see cref="Rate"/> of the inputs during training and scales the rest by 1/(1 − rate);
/// the identity at evaluation and prediction — Keras's <c>Dropout</c>, PyTorch's <c>nn.Dropout</c>. Any shape, same
/// shape out; no parameters. For convolutional feature maps see <see cref="SpatialDropout2D"/>.
/// </summary>
public sealed class Dropout : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="rate">Fraction of inputs to drop, in [0, 1).</param>
    /// <param name="name">Layer name; generated when null.</param>
    public Dropout(double rate, string? name = null) : base(name) => Rate = Guard.InRange(rate, 0, 1, maxInclusive: false);

    /// <summary>Fraction of inputs dropped in training.</summary>
    public double Rate { get; }

    /// <inheritdoc />
    public override Shape ComputeOutputShape(Shape input) => input;

    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> CreateModule(Shape input) => new DropoutModule(Name, Rate);
}
