using Kernelwise.Modules;
using static TorchSharp.torch;

namespace Kernelwise.Layers;

/// <summary>
/// Crops a random <see cref="Height"/> × <see cref="Width"/> window of each image during training (after zero
/// <see cref="Padding"/> on every side, the CIFAR recipe <c>RandomCrop(32, padding: 4)</c>), and the centre window at
/// evaluation and prediction — Keras's <c>RandomCrop</c>, torchvision's <c>RandomCrop(size, padding)</c> inside the model.
/// Input (C, H, W) with H ≥ height and W ≥ width, output (C, height, width); no parameters. Exported to ONNX as its
/// inference behaviour: the identity when the window is the whole image, else the centre crop.
/// </summary>
public sealed class RandomCrop : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="height">Rows of the window.</param>
    /// <param name="width">Columns of the window.</param>
    /// <param name="padding">Zeros added on every side before cropping in training.</param>
    /// <param name="name">Layer name; generated when null.</param>
    public RandomCrop(int height, int width, int padding = 0, string? name = null) : base(name)
    {
        Height = Guard.Positive(height);
        Width = Guard.Positive(width);
        Padding = Guard.NonNegative(padding);
    }

    /// <summary>Rows of the window.</summary>
    public int Height { get; }

    /// <summary>Columns of the window.</summary>
    public int Width { get; }

    /// <summary>Zeros added on every side before cropping in training.</summary>
    public int Padding { get; }

    /// <inheritdoc />
    public override Shape ComputeOutputShape(Shape input)
    {
        ArgumentNullException.ThrowIfNull(input);
        RequireRank(input, 3, "channels, height, width");
        if (input[1] < Height || input[2] < Width)
            throw BuildError(input, $"the window {Height}×{Width} is larger than the image {input[1]}×{input[2]} (at inference the layer takes the centre window); resize first or crop less.");
        return new Shape(input.Channels, Height, Width);
    }

    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> CreateModule(Shape input) => new RandomCropModule(Name, Height, Width, Padding);
}
