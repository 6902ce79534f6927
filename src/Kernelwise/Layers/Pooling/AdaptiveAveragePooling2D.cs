using Kernelwise.Modules;
using static TorchSharp.torch;

namespace Kernelwise.Layers.Pooling;

/// <summary>
/// Average pooling to a fixed output size (PyTorch's <c>AdaptiveAvgPool2d</c>): each output cell averages the input
/// cells from ⌊i·H/H'⌋ to ⌈(i+1)·H/H'⌉ − 1. Used by torchvision's AlexNet and VGG heads so they accept any input
/// size. Output (channels, H', W'); no parameters.
/// </summary>
public sealed class AdaptiveAveragePooling2D : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="outputSize">Output height and width.</param>
    /// <param name="name">Layer name; generated when null.</param>
    public AdaptiveAveragePooling2D(SpatialSize outputSize, string? name = null) : base(name)
        => OutputSize = outputSize.Expand(2, "outputSize", nameof(AdaptiveAveragePooling2D));

    /// <summary>Output height and width.</summary>
    public int[] OutputSize { get; }

    /// <inheritdoc />
    public override Shape ComputeOutputShape(Shape input)
    {
        RequireRank(input, 3, "channels, height, width");
        return new Shape(input.Channels, OutputSize[0], OutputSize[1]);
    }

    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> CreateModule(Shape input)
    {
        long[] size = { OutputSize[0], OutputSize[1] };
        return new FunctionModule(Name, x => nn.functional.adaptive_avg_pool2d(x, size));
    }
}
