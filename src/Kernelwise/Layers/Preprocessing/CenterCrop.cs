using Kernelwise.Modules;
using static TorchSharp.torch;

namespace Kernelwise.Layers;

/// <summary>
/// Crops the centre <see cref="Height"/> × <see cref="Width"/> window of each image — Keras's <c>CenterCrop</c> (top and
/// left offsets <c>(size − crop) / 2</c> rounded down). Input (C, H, W) with H and W at least the crop, output
/// (C, height, width); no parameters; the same in training and inference. Kernelwise's image transform of the same name
/// (<c>Kernelwise.Data.CenterCrop</c>) does this on decoded images before batching; this layer does it inside the model,
/// so the preprocessing travels with it.
/// </summary>
public sealed class CenterCrop : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="height">Rows kept.</param>
    /// <param name="width">Columns kept.</param>
    /// <param name="name">Layer name; generated when null.</param>
    public CenterCrop(int height, int width, string? name = null) : base(name)
    {
        Height = Guard.Positive(height);
        Width = Guard.Positive(width);
    }

    /// <summary>Rows kept.</summary>
    public int Height { get; }

    /// <summary>Columns kept.</summary>
    public int Width { get; }

    /// <inheritdoc />
    public override Shape ComputeOutputShape(Shape input)
    {
        ArgumentNullException.ThrowIfNull(input);
        RequireRank(input, 3, "channels, height, width");
        if (input[1] < Height || input[2] < Width)
            throw BuildError(input, $"the crop {Height}×{Width} is larger than the image {input[1]}×{input[2]}; resize first (Resizing) or crop less.");
        return new Shape(input.Channels, Height, Width);
    }

    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> CreateModule(Shape input) => new CenterCropModule(Name, Height, Width);
}
