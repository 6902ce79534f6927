using Kernelwise.Modules;
using Kernelwise.Shapes;
using static TorchSharp.torch;

namespace Kernelwise.Layers;

/// <summary>
/// Shared shape rule of adaptive average pooling (PyTorch's <c>AdaptiveAvgPool1d/2d/3d</c>): a fixed output size
/// whatever the input size. Output cell i along a dimension of n inputs and n' outputs averages the inputs from
/// ⌊i·n/n'⌋ to ⌈(i + 1)·n/n'⌉ − 1, so windows overlap or vary by one when n' does not divide n (and repeat inputs
/// when n' &gt; n). Input (C, *spatial), output (C, *outputSize); no parameters.
/// </summary>
/// <remarks>
/// When every output size divides its input size this is average pooling with window and stride n/n', and the
/// summary's receptive field follows from it; otherwise the windows are not a regular grid and the summary shows "-".
/// </remarks>
public abstract class BaseAdaptivePooling : Layer
{
    /// <summary>Validates and stores the output size.</summary>
    protected BaseAdaptivePooling(int rank, SpatialSize outputSize, string? name) : base(name)
    {
        Rank = rank;
        OutputSize = outputSize.Expand(rank, "outputSize", GetType().Name);
    }

    /// <summary>Number of spatial dimensions.</summary>
    public int Rank { get; }

    /// <summary>Output size per spatial dimension.</summary>
    public int[] OutputSize { get; }

    /// <inheritdoc />
    public override Shape ComputeOutputShape(Shape input)
    {
        ArgumentNullException.ThrowIfNull(input);
        RequireRank(input, Rank + 1, ConvolutionArithmetic.Layout(Rank));
        return new Shape(new[] { input.Channels }.Concat(OutputSize).ToArray());
    }

    /// <inheritdoc />
    public override SpatialWindow? GetSpatialWindow(Shape input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var n = input.Spatial;
        if (n.Zip(OutputSize).Any(p => p.First % p.Second != 0)) return SpatialWindow.Irregular(Rank);
        var k = n.Zip(OutputSize).Select(p => p.First / p.Second).ToArray();
        return new SpatialWindow(k, k, Enumerable.Repeat(1, Rank).ToArray(), new int[Rank]);
    }

    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> CreateModule(Shape input)
    {
        long[] size = OutputSize.Select(v => (long)v).ToArray();
        return Rank switch
        {
            1 => new FunctionModule(Name, x => nn.functional.adaptive_avg_pool1d(x, size[0])),
            2 => new FunctionModule(Name, x => nn.functional.adaptive_avg_pool2d(x, size)),
            _ => new FunctionModule(Name, x => nn.functional.adaptive_avg_pool3d(x, size)),
        };
    }
}
