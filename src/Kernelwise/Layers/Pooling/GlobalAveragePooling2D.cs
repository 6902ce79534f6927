using Kernelwise.Modules;
using static TorchSharp.torch;

namespace Kernelwise.Layers.Pooling;

/// <summary>
/// Mean over height and width: (C, H, W) → (C) — Keras's <c>GlobalAveragePooling2D</c>, the head of
/// GoogLeNet and ResNet. No parameters.
/// </summary>
public sealed class GlobalAveragePooling2D : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="keepDims">Keep the spatial dimensions as size 1: (C, 1, 1).</param>
    /// <param name="name">Layer name; generated when null.</param>
    public GlobalAveragePooling2D(bool keepDims = false, string? name = null) : base(name) => KeepDims = keepDims;

    /// <summary>Whether the output keeps (C, 1, 1).</summary>
    public bool KeepDims { get; }

    /// <inheritdoc />
    public override Shape ComputeOutputShape(Shape input)
    {
        RequireRank(input, 3, "channels, height, width");
        return KeepDims ? new Shape(input.Channels, 1, 1) : new Shape(input.Channels);
    }

    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> CreateModule(Shape input)
    {
        bool keep = KeepDims;
        return new FunctionModule(Name, x => x.mean(new long[] { 2, 3 }, keepdim: keep));
    }
}
