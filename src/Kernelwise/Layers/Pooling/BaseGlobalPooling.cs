using Kernelwise.Modules;
using Kernelwise.Shapes;
using static TorchSharp.torch;

namespace Kernelwise.Layers;

/// <summary>
/// Shared shape rule of the global poolings (Keras's <c>BaseGlobalPooling</c>): one value per channel, the mean or the
/// maximum over all spatial positions. Input (C, *spatial) of exactly <see cref="Rank"/> spatial dimensions,
/// output (C) — or (C, 1, ..., 1) with <see cref="KeepDims"/>. No parameters; whatever the input size, the output
/// size is fixed, which is why a global pooling head lets a network accept any image size.
/// </summary>
/// <remarks>The receptive field shown by the summary is that of a window covering the whole input.</remarks>
public abstract class BaseGlobalPooling : Layer
{
    /// <summary>Stores the configuration.</summary>
    protected BaseGlobalPooling(int rank, PoolingKind kind, bool keepDims, string? name) : base(name)
    {
        Rank = rank;
        Kind = kind;
        KeepDims = keepDims;
    }

    /// <summary>Number of spatial dimensions the input must have.</summary>
    public int Rank { get; }

    /// <summary>Mean or maximum.</summary>
    public PoolingKind Kind { get; }

    /// <summary>Whether the output keeps its spatial dimensions as size 1: (C, 1, ..., 1).</summary>
    public bool KeepDims { get; }

    /// <inheritdoc />
    public override Shape ComputeOutputShape(Shape input)
    {
        ArgumentNullException.ThrowIfNull(input);
        RequireRank(input, Rank + 1, ConvolutionArithmetic.Layout(Rank));
        return KeepDims ? new Shape(new[] { input.Channels }.Concat(Enumerable.Repeat(1, Rank)).ToArray()) : new Shape(input.Channels);
    }

    /// <inheritdoc />
    public override SpatialWindow? GetSpatialWindow(Shape input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var size = input.Spatial;
        return new SpatialWindow(size, size, Enumerable.Repeat(1, Rank).ToArray(), new int[Rank]);
    }

    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> CreateModule(Shape input)
    {
        long[] dims = Enumerable.Range(2, Rank).Select(d => (long)d).ToArray();
        bool keep = KeepDims;
        return Kind == PoolingKind.Max
            ? new FunctionModule(Name, x => x.amax(dims, keep))
            : new FunctionModule(Name, x => x.mean(dims, keep));
    }
}
