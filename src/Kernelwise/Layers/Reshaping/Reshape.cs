using Kernelwise.Shapes;
using Kernelwise.Modules;
using static TorchSharp.torch;

namespace Kernelwise.Layers;

/// <summary>
/// Gives each sample a new shape with the same number of values, read in NCHW (row-major) order — Keras's
/// <c>Reshape</c>, PyTorch's <c>x.view(N, *target)</c>. One dimension may be -1: it is inferred from the others.
/// Input any shape of m values, output <see cref="TargetShape"/> (m values); no parameters.
/// </summary>
/// <remarks>The summary shows no receptive field ("-") from this layer on: positions lose their spatial meaning.</remarks>
public sealed class Reshape : Layer
{
    private readonly int[] _target;

    /// <summary>Creates the layer.</summary>
    /// <param name="targetShape">The new shape of one sample (batch excluded), with at most one -1.</param>
    /// <param name="name">Layer name; generated when null.</param>
    public Reshape(int[] targetShape, string? name = null) : base(name)
    {
        ArgumentNullException.ThrowIfNull(targetShape);
        string text = Format(targetShape);
        if (targetShape.Length == 0)
            throw new ArgumentException("Invalid value for argument targetShape of Reshape. Expected at least one dimension. Received targetShape=().", nameof(targetShape));
        if (targetShape.Any(d => d < 1 && d != -1))
            throw new ArgumentOutOfRangeException(nameof(targetShape), $"Invalid value for argument targetShape of Reshape. Expected sizes of 1 or more, or -1 for one inferred dimension. Received targetShape={text}.");
        if (targetShape.Count(d => d == -1) > 1)
            throw new ArgumentException($"Invalid value for argument targetShape of Reshape. Expected at most one -1 (the inferred dimension). Received targetShape={text}.", nameof(targetShape));
        _target = (int[])targetShape.Clone();
    }

    /// <summary>The target shape as given (may contain one -1).</summary>
    public IReadOnlyList<int> TargetShape => _target;

    /// <inheritdoc />
    public override Shape ComputeOutputShape(Shape input)
    {
        ArgumentNullException.ThrowIfNull(input);
        long values = input.Elements;
        long known = _target.Where(d => d != -1).Aggregate(1L, (a, d) => a * d);
        string text = Format(_target);
        if (Array.IndexOf(_target, -1) is int inferred and >= 0)
        {
            if (values % known != 0)
                throw BuildError(input, $"cannot infer the -1 in target shape {text}: {values} values are not divisible by {known} (the product of the other sizes).");
            long size = values / known;
            if (size > int.MaxValue) throw BuildError(input, $"the inferred size {size} exceeds {int.MaxValue}.");
            var dims = (int[])_target.Clone();
            dims[inferred] = (int)size;
            return new Shape(dims);
        }
        if (known != values)
            throw BuildError(input, $"target shape {text} holds {known} values but the input holds {values}; the sizes must multiply to the same number (use -1 to infer one dimension).");
        return new Shape(_target);
    }

    /// <inheritdoc />
    public override SpatialWindow? GetSpatialWindow(Shape input) => SpatialWindow.Irregular(Math.Max(input.Rank - 1, 0));

    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> CreateModule(Shape input)
    {
        var output = ComputeOutputShape(input);
        return new FunctionModule(Name, x => x.reshape(output.WithBatch(x.shape[0])));
    }

    private static string Format(int[] dims) => "(" + string.Join(", ", dims) + ")";
}
