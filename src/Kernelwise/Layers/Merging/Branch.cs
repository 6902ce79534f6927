using Kernelwise.Shapes;
using static TorchSharp.torch;

namespace Kernelwise.Layers;

/// <summary>
/// One path inside a composite layer: the layers of a <see cref="LayerStack"/>,
/// applied in order to the composite's input. <see cref="Residual"/> has a <c>main</c> and a <c>shortcut</c> path,
/// <see cref="Branches"/> one path per branch (<c>branch_0</c>, <c>branch_1</c>, ...), <see cref="AuxiliaryOutput"/> a
/// <c>head</c>.
/// </summary>
/// <remarks>
/// <para>A path's name is scoped to its parent: every residual block has a path called <c>main</c>. The layers on the
/// path get model-wide unique names like every other layer. In the state dict the path is one level of nesting:
/// <c>{composite}.{path}.{layer}.{tensor}</c>, e.g. <c>residual.main.conv2d_3.weight</c>.</para>
/// <para>An empty path is the identity (its output is its input).</para>
/// </remarks>
public sealed class Branch : Layer
{
    /// <summary>Wraps <paramref name="layers"/> as the path <paramref name="name"/> of a composite layer.</summary>
    /// <param name="name">The path's name inside its parent (<c>main</c>, <c>shortcut</c>, <c>branch_0</c>...).</param>
    /// <param name="layers">The layers of the path; their input shape comes from the composite.</param>
    public Branch(string name, LayerStack layers) : base(Guard.NotEmpty(name))
    {
        ArgumentNullException.ThrowIfNull(layers);
        Layers = layers;
    }

    /// <summary>The layers of the path.</summary>
    public LayerStack Layers { get; }

    /// <summary>True for a path without layers: the identity.</summary>
    public bool IsIdentity => Layers.Layers.Count == 0;

    /// <summary>Shown as <c>Branch</c> in the summary.</summary>
    public override string TypeName => IsIdentity ? "Identity" : "Branch";

    /// <inheritdoc />
    public override IReadOnlyList<Layer> Children => Layers.Layers;

    /// <inheritdoc />
    internal override bool ReusesOutput => true;

    /// <summary>Names the layers on the path (the path keeps its own, parent-scoped name).</summary>
    public override void AssignNames(NameAllocator names)
    {
        ArgumentNullException.ThrowIfNull(names);
        Layers.AssignNames(names);
    }

    /// <inheritdoc />
    public override Shape ComputeOutputShape(Shape input) => Layers.Describe(input).Output;

    /// <inheritdoc />
    public override ParameterCount CountParameters(Shape input)
    {
        var total = default(ParameterCount);
        foreach (var row in Layers.Describe(input).Rows.Where(r => r.Depth == 0)) total += row.Parameters;
        return total;
    }

    /// <inheritdoc />
    public override long CountMultiplyAccumulates(Shape input, Shape output)
        => Layers.Describe(input).Rows.Where(r => r.Depth == 0).Sum(r => r.MultiplyAccumulates);

    /// <summary>
    /// The window of the whole path: receptive field r and jump j of one output unit relative to the path's input, as
    /// a kernel r with stride j (null when the path leaves the spatial layout, e.g. ends in Flatten).
    /// </summary>
    public override SpatialWindow? GetSpatialWindow(Shape input) => CompositeWindow.OfPath(Layers, input);

    /// <inheritdoc />
    public override IEnumerable<LayerDescription> DescribeChildren(Shape input, int depth) => Layers.Describe(input, depth).Rows;

    /// <summary>The path's module: a <see cref="GraphModule"/> over the chain, whose children are the layers, by name.</summary>
    public override nn.Module<Tensor, Tensor> CreateModule(Shape input) => Layers.CreateModule(input);
}
