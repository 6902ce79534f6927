using Kernelwise.Shapes;
using TorchSharp;
using static TorchSharp.torch;

namespace Kernelwise.Layers;

/// <summary>
/// A model's layers as a directed acyclic graph: declared <see cref="Input"/>s, the layer applications
/// (<see cref="Node"/>s) that lead from them to the outputs, in an order where every node comes after the nodes it
/// reads. Every model is one: a <c>Sequential</c> definition is a chain, a functional model any graph; residual blocks
/// and branches run their paths through the same executor (<see cref="CreateModule"/>).
/// </summary>
/// <remarks>
/// <para>Creating the graph checks it: every output must depend only on declared inputs, every input must be used,
/// and a layer applied at several nodes (shared weights) must receive the same shapes at each.</para>
/// <para>Names: <see cref="AssignNames"/> gives inputs and layers unique Keras-style names in graph order; layer names
/// are the keys of the weights (<c>conv2d.weight</c>).</para>
/// </remarks>
public sealed class LayerGraph
{
    private readonly List<Node> _nodes = new();
    private readonly List<Layer> _layers = new();

    /// <summary>Creates and checks the graph from <paramref name="inputs"/> to <paramref name="outputs"/>.</summary>
    /// <exception cref="ModelBuildException">An output depends on a tensor that is not among the inputs, an input is
    /// unused, or a shared layer receives different shapes.</exception>
    public LayerGraph(IReadOnlyList<Input> inputs, IReadOnlyList<SymbolicTensor> outputs, string name = "model")
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        Name = Guard.NotEmpty(name);
        if (inputs.Count == 0) throw new ArgumentException($"Model '{name}' needs at least one input.", nameof(inputs));
        if (outputs.Count == 0) throw new ArgumentException($"Model '{name}' needs at least one output.", nameof(outputs));
        for (int i = 0; i < inputs.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(inputs[i], $"{nameof(inputs)}[{i}]");
            for (int j = 0; j < i; j++)
            {
                if (ReferenceEquals(inputs[i], inputs[j]))
                    throw new ArgumentException($"Model '{name}' lists input '{inputs[i].Name}' twice (positions {j} and {i}).", nameof(inputs));
            }
        }
        for (int i = 0; i < outputs.Count; i++) ArgumentNullException.ThrowIfNull(outputs[i], $"{nameof(outputs)}[{i}]");
        Inputs = inputs.ToArray();
        Outputs = outputs.ToArray();

        // Depth-first from the outputs, nodes in post-order: each after everything it reads.
        var visited = new HashSet<Node>();
        var usedInputs = new HashSet<Input>();
        var stack = new Stack<(SymbolicTensor Tensor, bool Expanded)>();
        foreach (var output in Outputs.Reverse()) stack.Push((output, false));
        while (stack.Count > 0)
        {
            var (tensor, expanded) = stack.Pop();
            if (tensor.Node is null)
            {
                var input = tensor as Input;
                if (input is null || !Inputs.Contains(input))
                {
                    throw new ModelBuildException(input?.Name ?? Name,
                        $"Model '{Name}' cannot be created: an output depends on {tensor}, which is not among the model's inputs " +
                        $"({string.Join(", ", Inputs.Select(i => $"'{i.Name}'"))}). Pass every Input the outputs are computed from.");
                }
                usedInputs.Add(input);
                continue;
            }
            var node = tensor.Node;
            if (visited.Contains(node)) continue;
            if (expanded)
            {
                visited.Add(node);
                _nodes.Add(node);
                continue;
            }
            stack.Push((tensor, true));
            for (int i = node.Inputs.Count - 1; i >= 0; i--)
            {
                if (node.Inputs[i].Node is not { } n || !visited.Contains(n)) stack.Push((node.Inputs[i], false));
            }
        }
        foreach (var input in Inputs)
        {
            if (!usedInputs.Contains(input))
                throw new ModelBuildException(input.Name, $"Model '{Name}' cannot be created: input '{input.Name}' {input.Shape} is not used by any output.");
        }
        var firstShapes = new Dictionary<Layer, Node>();
        foreach (var node in _nodes)
        {
            if (firstShapes.TryGetValue(node.Layer, out var first))
            {
                var a = first.Inputs.Select(t => t.Shape);
                var b = node.Inputs.Select(t => t.Shape);
                if (!a.SequenceEqual(b))
                {
                    throw new ModelBuildException(node.Layer.Name,
                        $"Layer '{node.Layer.Name}' ({node.Layer.TypeName}) is applied to {string.Join(" and ", first.Inputs)} and to {string.Join(" and ", node.Inputs)}: " +
                        "a layer applied several times shares its weights, so every application must receive the same shape. Use a new layer for a different shape.");
                }
                continue;
            }
            firstShapes[node.Layer] = node;
            _layers.Add(node.Layer);
        }
    }

    /// <summary>A chain: <paramref name="layers"/> applied one after another to one input of shape <paramref name="input"/>.</summary>
    public static LayerGraph Chain(Shape input, IEnumerable<Layer> layers, string name = "sequential", string? inputName = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(layers);
        var x = new Input(input, inputName);
        SymbolicTensor y = x;
        foreach (var layer in layers) y = layer.ApplyInChain(y);
        return new LayerGraph(new[] { x }, new[] { y }, name);
    }

    /// <summary>The graph's name (the model's).</summary>
    public string Name { get; }

    /// <summary>The declared inputs, in the order the model takes them.</summary>
    public IReadOnlyList<Input> Inputs { get; }

    /// <summary>The outputs, in the order the model returns them.</summary>
    public IReadOnlyList<SymbolicTensor> Outputs { get; }

    /// <summary>Every layer application, each after the nodes it reads.</summary>
    public IReadOnlyList<Node> Nodes => _nodes;

    /// <summary>The distinct layers, in order of first application (a shared layer appears once).</summary>
    public IReadOnlyList<Layer> Layers => _layers;

    /// <summary>True for one input, one output and a single path through the nodes (a <c>Sequential</c> model).</summary>
    public bool IsChain
    {
        get
        {
            if (Inputs.Count != 1 || Outputs.Count != 1) return false;
            SymbolicTensor previous = Inputs[0];
            foreach (var node in _nodes)
            {
                if (node.Inputs.Count != 1 || !ReferenceEquals(node.Inputs[0], previous)) return false;
                previous = node.Output;
            }
            return ReferenceEquals(previous, Outputs[0]);
        }
    }

    /// <summary>Gives inputs and layers unique names (<c>input</c>, <c>conv2d</c>, <c>conv2d_1</c>; names the user gave are kept).</summary>
    /// <exception cref="ModelBuildException">Two layers or inputs have the same requested name.</exception>
    public void AssignNames(NameAllocator? names = null)
    {
        names ??= new NameAllocator();
        foreach (var input in Inputs) input.AssignName(names.Reserve(input.RequestedName, "input"));
        foreach (var layer in _layers) layer.AssignNames(names);
    }

    /// <summary>
    /// One row per layer application (nested layers of composites after their parent), with shapes, parameters,
    /// multiply-accumulates, receptive field and the tensors each node reads.
    /// </summary>
    public IReadOnlyList<LayerDescription> Describe()
    {
        var rows = new List<LayerDescription>();
        var fields = new Dictionary<SymbolicTensor, (int[]? Field, int[]? Jump)>();
        foreach (var input in Inputs)
        {
            int n = input.Shape.Rank - 1;
            var ones = n > 0 ? Enumerable.Repeat(1, n).ToArray() : null;
            fields[input] = (ones, ones is null ? null : (int[])ones.Clone());
        }
        var counted = new HashSet<Layer>();
        bool chain = IsChain;
        foreach (var node in _nodes)
        {
            var layer = node.Layer;
            var shapes = node.Inputs.Select(t => t.Shape).ToArray();
            var output = node.Output.Shape;
            var (rfIn, jumpIn) = MergeFields(node.Inputs.Select(t => fields[t]).ToList());
            (int[]? Field, int[]? Jump) result = (null, null);
            if (shapes.Length == 1) result = ReceptiveField.Propagate(rfIn, jumpIn, shapes[0], output, layer.GetSpatialWindow(shapes[0]));
            else if (rfIn is not null && output.Rank == shapes[0].Rank) result = (rfIn, jumpIn);
            fields[node.Output] = result;
            // A shared layer's weights count once, at its first application.
            var parameters = counted.Add(layer) ? layer.CountParameters(shapes) : default;
            rows.Add(new LayerDescription(layer, shapes[0], output, parameters, layer.CountMultiplyAccumulates(shapes, output), 0,
                result.Field is null ? null : (int[])result.Field.Clone(), result.Jump is null ? null : (int[])result.Jump.Clone())
            {
                ConnectedTo = chain ? null : node.Inputs.Select(t => t.ProducerName).ToArray(),
            });
            if (shapes.Length == 1)
            {
                foreach (var child in layer.DescribeChildren(shapes[0], 1)) rows.Add(LayerStack.Rebase(child, rfIn, jumpIn));
            }
        }
        return rows;
    }

    private static (int[]? Field, int[]? Jump) MergeFields(IReadOnlyList<(int[]? Field, int[]? Jump)> inputs)
    {
        if (inputs.Count == 1) return inputs[0];
        var first = inputs[0];
        if (first.Field is null || first.Jump is null) return (null, null);
        var field = (int[])first.Field.Clone();
        foreach (var (f, j) in inputs.Skip(1))
        {
            if (f is null || j is null || f.Length != field.Length || !j.SequenceEqual(first.Jump)) return (null, null);
            for (int i = 0; i < field.Length; i++) field[i] = Math.Max(field[i], f[i]);
        }
        return (field, (int[])first.Jump.Clone());
    }

    /// <summary>
    /// Creates the weights (PyTorch's initialisation) and the module that runs the graph: one child module per layer,
    /// named after the layer, shared by all of a layer's applications. Call <see cref="AssignNames"/> first.
    /// </summary>
    public GraphModule CreateModule()
    {
        var modules = new Dictionary<Layer, nn.Module>();
        foreach (var node in _nodes)
        {
            if (modules.ContainsKey(node.Layer)) continue;
            modules[node.Layer] = node.Layer.CreateNodeModule(node.Inputs.Select(t => t.Shape).ToArray());
        }
        return new GraphModule(Name, this, modules);
    }
}
