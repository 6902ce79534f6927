using Kernelwise.Shapes;
using static TorchSharp.torch;

namespace Kernelwise.Layers;

/// <summary>
/// Layers in order, without an input shape of their own: a path of a composite layer (a residual block's main path
/// or shortcut, a branch of an Inception module, an auxiliary head). The fluent layer methods append to it and return
/// it; it takes the shape that flows into the composite.
/// <code>
/// model.Residual(main: b => b.Conv2D(64, 3, padding: 1).BatchNormalization().ReLU().Conv2D(64, 3, padding: 1));
/// </code>
/// </summary>
public sealed class LayerStack : ILayerChain<LayerStack>
{
    private readonly List<Layer> _layers = new();

    /// <summary>Starts an empty stack (an empty stack is the identity).</summary>
    public LayerStack(string name = "stack") => Name = Guard.NotEmpty(name);

    /// <summary>The stack's name (the path's name in its composite: <c>main</c>, <c>shortcut</c>, <c>branch_0</c>, ...).</summary>
    public string Name { get; }

    /// <summary>The layers added so far.</summary>
    public IReadOnlyList<Layer> Layers => _layers;

    /// <summary>Appends a layer.</summary>
    /// <returns>The same stack, so calls can be chained.</returns>
    public LayerStack Add(Layer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        _layers.Add(layer);
        return this;
    }

    LayerStack ILayerChain<LayerStack>.Then(Layer layer) => Add(layer);

    /// <summary>Assigns names to all layers (Keras-style, unique per model).</summary>
    public void AssignNames(NameAllocator names)
    {
        ArgumentNullException.ThrowIfNull(names);
        foreach (var l in _layers) l.AssignNames(names);
    }

    /// <summary>
    /// Checks every layer against the shape it receives and describes it (shapes, parameters, MACs, receptive field),
    /// without creating tensors. Throws <see cref="ModelBuildException"/> at the first layer that cannot fit.
    /// </summary>
    public (IReadOnlyList<LayerDescription> Rows, Shape Output) Describe(Shape input, int depth = 0)
    {
        ArgumentNullException.ThrowIfNull(input);
        var rows = new List<LayerDescription>();
        var shape = input;
        int[]? rf = Enumerable.Repeat(1, input.Rank - 1).ToArray();
        int[]? jump = Enumerable.Repeat(1, input.Rank - 1).ToArray();
        if (rf.Length == 0) rf = jump = null;
        foreach (var layer in _layers)
        {
            var output = layer.ComputeOutputShape(shape);
            var window = layer.GetSpatialWindow(shape);
            int[]? rfIn = rf, jumpIn = jump;
            if (rf is not null && jump is not null)
            {
                (rf, jump) = ReceptiveField.Propagate(rf, jump, shape, output, window);
            }
            rows.Add(new LayerDescription(layer, shape, output, layer.CountParameters(shape), layer.CountMultiplyAccumulates(shape, output),
                depth, rf is null ? null : (int[])rf.Clone(), jump is null ? null : (int[])jump.Clone()));
            // Nested rows carry receptive fields relative to the composite's input: re-express them in this stack's input.
            foreach (var child in layer.DescribeChildren(shape, depth + 1)) rows.Add(Rebase(child, rfIn, jumpIn));
            shape = output;
        }
        return (rows, shape);
    }

    /// <summary>Re-expresses a nested row's receptive field, relative to its composite's input, in terms of the outer input.</summary>
    internal static LayerDescription Rebase(LayerDescription row, int[]? rf, int[]? jump)
    {
        if (row.ReceptiveField is null || row.Jump is null || rf is null || jump is null || row.ReceptiveField.Length != rf.Length)
            return row with { ReceptiveField = null, Jump = null };
        var r = new int[rf.Length];
        var j = new int[rf.Length];
        for (int i = 0; i < rf.Length; i++)
        {
            r[i] = rf[i] + (row.ReceptiveField[i] - 1) * jump[i];
            j[i] = jump[i] * row.Jump[i];
        }
        return row with { ReceptiveField = r, Jump = j };
    }

    /// <summary>
    /// Creates the weights of this stack's layers for <paramref name="input"/> and the module that runs them in order
    /// (a <see cref="GraphModule"/> over a chain, children named after the layers); used by composite layers.
    /// </summary>
    public nn.Module<Tensor, Tensor> CreateModule(Shape input)
    {
        var graph = LayerGraph.Chain(input, _layers, Name);
        return graph.CreateModule();
    }
}
