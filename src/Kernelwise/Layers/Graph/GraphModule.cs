using static TorchSharp.torch;

namespace Kernelwise.Layers;

/// <summary>
/// Runs a <see cref="LayerGraph"/>: its layers' modules as named children (the names of the weights:
/// <c>conv2d.weight</c>, <c>residual.main.conv2d_3.weight</c>), called node by node in graph order.
/// </summary>
/// <remarks>
/// Tensor ownership follows TorchSharp's rules: the inputs belong to the caller and are never disposed; each
/// intermediate tensor is disposed as soon as the last node reading it has run (autograd keeps what backward needs),
/// so memory does not grow with depth; the outputs are fresh tensors the caller owns.
/// </remarks>
public sealed class GraphModule : nn.Module<Tensor, Tensor>
{
    private readonly Step[] _steps;
    private readonly int[] _inputSlots;
    private readonly int[] _outputSlots;
    private readonly int _slotCount;
    private readonly bool _layerPolicies;
    private readonly Dictionary<string, int> _slotsByName = new(StringComparer.Ordinal);

    private sealed record Step(Layer Layer, nn.Module Module, int[] Inputs, int Output, int[] Release);

    internal GraphModule(string name, LayerGraph graph, IReadOnlyDictionary<Layer, nn.Module> modules) : base(name)
    {
        Graph = graph;
        foreach (var layer in graph.Layers) register_module(layer.Name, modules[layer]);
        _layerPolicies = graph.Layers.Any(l => l.PrecisionPolicy is not null);
        var slots = new Dictionary<SymbolicTensor, int>();
        foreach (var input in graph.Inputs) slots[input] = slots.Count;
        foreach (var node in graph.Nodes) slots[node.Output] = slots.Count;
        _slotCount = slots.Count;
        _inputSlots = graph.Inputs.Select(i => slots[i]).ToArray();
        _outputSlots = graph.Outputs.Select(o => slots[o]).ToArray();
        foreach (var input in graph.Inputs) _slotsByName[input.Name] = slots[input];
        foreach (var node in graph.Nodes) _slotsByName[node.Layer.Name] = slots[node.Output]; // a shared layer: its last application

        // Release each intermediate after the last step that reads it (never inputs, never outputs).
        var lastUse = new Dictionary<int, int>();
        for (int s = 0; s < graph.Nodes.Count; s++)
            foreach (var t in graph.Nodes[s].Inputs) lastUse[slots[t]] = s;
        var keep = new HashSet<int>(_inputSlots.Concat(_outputSlots));
        _steps = new Step[graph.Nodes.Count];
        for (int s = 0; s < graph.Nodes.Count; s++)
        {
            var node = graph.Nodes[s];
            var release = node.Inputs.Select(t => slots[t]).Distinct().Where(i => lastUse[i] == s && !keep.Contains(i)).ToArray();
            _steps[s] = new Step(node.Layer, modules[node.Layer], node.Inputs.Select(t => slots[t]).ToArray(), slots[node.Output], release);
        }
    }

    /// <summary>The graph this module runs.</summary>
    public LayerGraph Graph { get; }

    /// <summary>Runs a graph with one input and one output.</summary>
    public override Tensor forward(Tensor input)
    {
        if (_inputSlots.Length != 1 || _outputSlots.Length != 1)
        {
            throw new InvalidOperationException(
                $"Model '{Graph.Name}' has {_inputSlots.Length} input(s) and {_outputSlots.Length} output(s); call Forward with a tensor per input.");
        }
        return Forward(new[] { input })[0];
    }

    /// <summary>Runs the graph on one tensor per input, in the graph's input order; returns one fresh tensor per output.</summary>
    public Tensor[] Forward(IReadOnlyList<Tensor> inputs) => Run(inputs);

    /// <summary>
    /// Runs the graph and also returns the tensors that the named layers (or inputs) produced, in the same pass — the
    /// outputs of intermediate layers, nested ones included: a layer inside a residual block or a branch is named by its
    /// unique name (<c>conv2d_3</c>) or by its path (<c>residual.main.conv2d_3</c>); a path of a composite
    /// (<c>residual.main</c>) gives its last layer's output. A layer that runs several times (shared weights) gives its
    /// last output. The caller owns every returned tensor.
    /// </summary>
    /// <exception cref="ArgumentException">A name is neither an input nor a layer of the graph, or names an empty path.</exception>
    /// <exception cref="InvalidOperationException">A named layer did not run in this pass (an auxiliary head outside training mode).</exception>
    public (Tensor[] Outputs, Dictionary<string, Tensor> Intermediates) Forward(IReadOnlyList<Tensor> inputs, IReadOnlyCollection<string> layerNames)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(layerNames);
        var inputPositions = new Dictionary<string, int>(StringComparer.Ordinal);
        var layers = new Dictionary<string, Layer>(StringComparer.Ordinal);
        foreach (var n in layerNames)
        {
            ArgumentNullException.ThrowIfNull(n, nameof(layerNames));
            int position = Array.IndexOf(_inputSlots, _slotsByName.GetValueOrDefault(n, -1));
            if (position >= 0)
            {
                inputPositions[n] = position;
                continue;
            }
            var layer = LayerPaths.Find(Graph, n)
                ?? throw new ArgumentException($"Model '{Graph.Name}' has no layer or input named '{n}'. Its inputs are: {string.Join(", ", Graph.Inputs.Select(i => i.Name))}; " +
                                               $"its layers (nested ones by path): {LayerPaths.Describe(Graph)}.", nameof(layerNames));
            layers[n] = LayerPaths.Producer(layer)
                ?? throw new ArgumentException($"'{n}' of model '{Graph.Name}' is an empty path (the identity): its output is its composite's input. Name the layer before the composite instead.", nameof(layerNames));
        }
        using var capture = ActivationCapture.Begin(layers.Values);
        var outputs = Run(inputs);
        var captured = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (n, position) in inputPositions) captured[n] = inputs[position].alias();
        var taken = new Dictionary<Layer, Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var (n, layer) in layers)
        {
            // Two names for one layer (its name and its path) give two handles, each owned by the caller.
            if (taken.TryGetValue(layer, out var first))
            {
                captured[n] = first.alias();
                continue;
            }
            var t = capture.Take(layer);
            if (t is null)
            {
                foreach (var o in outputs) o.Dispose();
                foreach (var c in captured.Values) c.Dispose();
                throw new InvalidOperationException(
                    $"Layer '{n}' of model '{Graph.Name}' did not run in this pass{(training ? "" : " (inference mode: auxiliary heads run only in training)")}, so it has no output to return.");
            }
            taken[layer] = captured[n] = t;
        }
        return (outputs, captured);
    }

    /// <summary>
    /// One node under mixed precision: the layer's own policy, or float32 for normalisation layers, or the policy in
    /// force; a layer computing in float32 receives its 16-bit inputs cast up (the casts are freed after the call).
    /// </summary>
    private static Tensor InvokeMixed(Step step, Tensor[] args, TorchSharp.torch.ScalarType? context)
    {
        var type = step.Layer.PrecisionPolicy is { } own ? own.ComputeType : step.Layer.KeepsFloat32 ? null : context;
        List<Tensor>? casts = null;
        if (type is null)
        {
            for (int i = 0; i < args.Length; i++)
            {
                if (args[i].dtype is not (TorchSharp.torch.ScalarType.BFloat16 or TorchSharp.torch.ScalarType.Float16)) continue;
                args[i] = args[i].to_type(TorchSharp.torch.ScalarType.Float32);
                (casts ??= new List<Tensor>()).Add(args[i]);
            }
        }
        try
        {
            using var _ = Autocast.Enter(type);
            return step.Layer.Invoke(step.Module, args);
        }
        finally
        {
            if (casts is not null) foreach (var c in casts) c.Dispose();
        }
    }

    private Tensor[] Run(IReadOnlyList<Tensor> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count != _inputSlots.Length)
            throw new ArgumentException($"Model '{Graph.Name}' takes {_inputSlots.Length} input(s) ({string.Join(", ", Graph.Inputs.Select(i => i.Name))}); received {inputs.Count}.", nameof(inputs));
        var values = new Tensor?[_slotCount];
        for (int i = 0; i < _inputSlots.Length; i++)
        {
            values[_inputSlots[i]] = inputs[i];
        }
        try
        {
            var context = Autocast.Current;
            foreach (var step in _steps)
            {
                var args = new Tensor[step.Inputs.Length];
                for (int i = 0; i < args.Length; i++) args[i] = values[step.Inputs[i]]!;
                Tensor y;
                if (context is null && !_layerPolicies)
                {
                    y = step.Layer.Invoke(step.Module, args);
                }
                else
                {
                    y = InvokeMixed(step, args, context);
                }
                values[step.Output] = y;
                ActivationCapture.Observe(step.Layer, y); // a no-op unless an activation capture is open
                foreach (int r in step.Release)
                {
                    values[r]!.Dispose();
                    values[r] = null;
                }
            }
            var outputs = new Tensor[_outputSlots.Length];
            var handedOut = new HashSet<int>();
            for (int i = 0; i < outputs.Length; i++)
            {
                int slot = _outputSlots[i];
                // An input returned as an output, or one tensor returned twice, is aliased so the caller owns each handle.
                outputs[i] = _inputSlots.Contains(slot) || !handedOut.Add(slot) ? values[slot]!.alias() : values[slot]!;
            }
            return outputs;
        }
        catch
        {
            for (int s = 0; s < values.Length; s++)
            {
                if (values[s] is { } t && !_inputSlots.Contains(s)) t.Dispose();
            }
            throw;
        }
    }
}
