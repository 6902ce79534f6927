using Kernelwise.Modules;
using static TorchSharp.torch;

namespace Kernelwise.Layers;

/// <summary>
/// Flips each image left-right and/or upside down with probability ½ during training; the identity at evaluation and
/// prediction — Keras's <c>RandomFlip</c>. Input (C, H, W), same shape out; no parameters. Draws from TorchSharp's
/// generator (<c>Reproducibility.SetSeed</c> makes runs repeat). Exported to ONNX as the identity.
/// </summary>
public sealed class RandomFlip : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="mode">Which flips to draw.</param>
    /// <param name="name">Layer name; generated when null.</param>
    public RandomFlip(FlipMode mode = FlipMode.HorizontalAndVertical, string? name = null) : base(name)
    {
        if (!Enum.IsDefined(mode))
            throw new ArgumentOutOfRangeException(nameof(mode), mode, $"Invalid value for argument mode of RandomFlip. Expected Horizontal, Vertical or HorizontalAndVertical. Received mode={mode}.");
        Mode = mode;
    }

    /// <summary>Which flips are drawn.</summary>
    public FlipMode Mode { get; }

    /// <inheritdoc />
    public override Shape ComputeOutputShape(Shape input)
    {
        ArgumentNullException.ThrowIfNull(input);
        RequireRank(input, 3, "channels, height, width");
        return input;
    }

    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> CreateModule(Shape input)
        => new RandomFlipModule(Name, Mode != FlipMode.Vertical, Mode != FlipMode.Horizontal);
}
