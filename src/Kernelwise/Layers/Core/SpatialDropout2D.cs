using Kernelwise.Modules;
using static TorchSharp.torch;

namespace Kernelwise.Layers;

/// <summary>
/// Dropout of whole channels: in training, each (sample, channel) feature map is zeroed with probability
/// <see cref="Rate"/> and the kept ones are scaled by 1/(1 − rate); the identity at evaluation. Neighbouring pixels
/// of a feature map are strongly correlated, so dropping single pixels (<see cref="Dropout"/>) barely regularizes a
/// convolution; dropping maps does. Keras's <c>SpatialDropout2D</c>, PyTorch's <c>nn.Dropout2d</c>.
/// Input (C, H, W), same shape out; no parameters.
/// </summary>
public sealed class SpatialDropout2D : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="rate">Fraction of channels to drop, in [0, 1).</param>
    /// <param name="name">Layer name; generated when null.</param>
    public SpatialDropout2D(double rate, string? name = null) : base(name)
    {
        if (!(rate >= 0 && rate < 1))
            throw new ArgumentOutOfRangeException(nameof(rate), rate, $"Invalid value for argument rate of SpatialDropout2D. Expected a value in [0, 1). Received rate={rate}.");
        Rate = rate;
    }

    /// <summary>Fraction of channels dropped in training.</summary>
    public double Rate { get; }

    /// <inheritdoc />
    public override Shape ComputeOutputShape(Shape input)
    {
        ArgumentNullException.ThrowIfNull(input);
        RequireRank(input, 3, "channels, height, width");
        return input;
    }

    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> CreateModule(Shape input) => new SpatialDropoutModule(Name, Rate);
}
