using Kernelwise.Data;
using Kernelwise.Layers;
using Kernelwise.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Kernelwise.Models;

/// <summary>
/// A model with weights: its layers as a graph, the module that computes it, and Keras's training API —
/// <see cref="Compile(Optimizer, Loss, Metric[])"/>, <see cref="Trainer.Fit"/>, <see cref="Trainer.Evaluate"/>,
/// <see cref="Trainer.Predict(Dataset, int)"/>. Built from a <see cref="Sequential"/> definition (<c>Build()</c>) or,
/// Keras's functional API, from inputs and outputs:
/// <code>
/// var image = new Input(new Shape(1, 28, 28), "image");
/// var features = image.Conv2D(32, 3, activation: Activation.ReLU).MaxPooling2D(2).Flatten();
/// var model = new Model(image, features.Dense(10, name: "logits"));
/// </code>
/// </summary>
/// <remarks>
/// <para>Ownership: the model owns its module (weights, buffers) and its compiled optimizer, and disposes them in
/// <see cref="Trainer.Dispose()"/>. Every training, evaluation and prediction step runs inside a dispose scope the
/// engine owns, so native memory stays flat over epochs; tensors a method returns belong to the caller.</para>
/// <para>Derive from it to change what a training step does (override <see cref="Trainer.TrainStep"/>), passing a
/// definition or a graph to the protected constructors.</para>
/// </remarks>
public partial class Model : Trainer
{
    private readonly GraphModule _network;
    private readonly HashSet<string> _frozen = new(StringComparer.Ordinal);
    private ModelSummary _summary;

    /// <summary>A functional model from one input to one output; the weights are created on <paramref name="device"/> (<see cref="ComputeDevice.Auto"/> by default).</summary>
    public Model(Input input, SymbolicTensor output, string name = "model", ComputeDevice? device = null)
        : this(new[] { input ?? throw new ArgumentNullException(nameof(input)) }, new[] { output ?? throw new ArgumentNullException(nameof(output)) }, name, device)
    {
    }

    /// <summary>A functional model with several inputs and outputs (in the order <c>Fit</c>'s batches and <c>Predict</c>'s results use).</summary>
    /// <exception cref="ModelBuildException">An output depends on something that is not among the inputs, an input is unused, or names clash.</exception>
    public Model(IReadOnlyList<Input> inputs, IReadOnlyList<SymbolicTensor> outputs, string name = "model", ComputeDevice? device = null)
        : this(NamedGraph(inputs, outputs, name), device)
    {
    }

    /// <summary>A model built from a <see cref="Sequential"/> definition (for subclasses that override a step).</summary>
    protected Model(Sequential definition, ComputeDevice? device = null)
        : this((definition ?? throw new ArgumentNullException(nameof(definition))).ToGraph(), device)
    {
    }

    /// <summary>Builds the weights of <paramref name="graph"/> (names already assigned) on <paramref name="device"/>.</summary>
    protected internal Model(LayerGraph graph, ComputeDevice? device) : base((device ?? ComputeDevice.Auto).Resolve())
    {
        ArgumentNullException.ThrowIfNull(graph);
        Graph = graph;
        _summary = ModelSummary.Of(graph);
        // Weights must outlive any dispose scope the caller may have open: build outside it and detach.
        using (var scope = NewDisposeScope())
        {
            _network = graph.CreateModule();
            foreach (var p in _network.parameters()) p.DetachFromDisposeScope();
            foreach (var b in _network.buffers()) b.DetachFromDisposeScope();
        }
        if (Device.IsCuda) _network.to(Device.ToTorch());
        _summary = CountFromModules(_summary, _network);
        InputNames = graph.Inputs.Select(i => i.Name).ToArray();
        InputShapes = graph.Inputs.Select(i => i.Shape).ToArray();
        OutputNames = graph.Outputs.Select(o => o.ProducerName).ToArray();
        OutputShapes = graph.Outputs.Select(o => o.Shape).ToArray();
    }

    /// <summary>
    /// A layer that does not count its parameters by arithmetic (a user's layer without a <c>CountParameters</c>
    /// override) gets the count of the module it created: parameters that require gradients are trainable, the rest
    /// and the buffers are not.
    /// </summary>
    private static ModelSummary CountFromModules(ModelSummary summary, GraphModule network)
    {
        var modules = network.named_children().ToDictionary(c => c.name, c => c.module, StringComparer.Ordinal);
        bool changed = false;
        var rows = summary.Rows.Select(row =>
        {
            if (row.Depth != 0 || row.Parameters.Total != 0 || CountsItself(row.Layer.GetType()) || !modules.TryGetValue(row.Layer.Name, out var module)) return row;
            long trainable = 0, frozen = 0;
            foreach (var p in module.parameters())
            {
                if (p.requires_grad) trainable += p.numel();
                else frozen += p.numel();
            }
            foreach (var b in module.buffers()) frozen += b.numel();
            if (trainable + frozen == 0) return row;
            changed = true;
            return row with { Parameters = new ParameterCount(trainable, frozen) };
        }).ToList();
        return changed ? summary.WithRows(rows, rows.Where(r => r.Depth == 0).Sum(r => r.Parameters.Trainable)) : summary;
    }

    private static bool CountsItself(Type layerType)
        => layerType.GetMethod(nameof(Layer.CountParameters), new[] { typeof(Shape) })!.DeclaringType != typeof(Layer)
           || layerType.Assembly == typeof(Layer).Assembly;

    private static LayerGraph NamedGraph(IReadOnlyList<Input> inputs, IReadOnlyList<SymbolicTensor> outputs, string name)
    {
        var graph = new LayerGraph(inputs, outputs, name);
        graph.AssignNames();
        return graph;
    }

    /// <summary>The layers as a graph: inputs, layer applications, outputs.</summary>
    public LayerGraph Graph { get; }

    /// <inheritdoc />
    public override string Name => Graph.Name;

    /// <summary>
    /// The module that computes the model: a child per layer, parameters named <c>{layer}.weight</c> and
    /// <c>{layer}.bias</c> as in PyTorch state dicts. Owned by the model.
    /// </summary>
    public override nn.Module Network => _network;

    /// <summary>The module as a graph executor (one tensor per input in, one per output out; intermediate outputs on request).</summary>
    public GraphModule GraphModule => _network;

    /// <inheritdoc />
    public override IReadOnlyList<string> InputNames { get; }

    /// <inheritdoc />
    public override IReadOnlyList<Shape> InputShapes { get; }

    /// <inheritdoc />
    public override IReadOnlyList<string> OutputNames { get; }

    /// <inheritdoc />
    public override IReadOnlyList<Shape> OutputShapes { get; }

    /// <summary>The distinct layers, in graph order.</summary>
    public IReadOnlyList<Layer> Layers => Graph.Layers;

    /// <inheritdoc />
    protected override Tensor[] ForwardCore(IReadOnlyList<Tensor> inputs)
    {
        if (PrecisionPolicy.ComputeType is not { } type) return _network.Forward(inputs);
        Tensor[] outputs;
        using (Autocast.Enter(type)) outputs = _network.Forward(inputs);
        // The model's outputs are float32 whatever its policy (losses, metrics and predictions read them).
        for (int i = 0; i < outputs.Length; i++)
        {
            if (outputs[i].dtype is not (ScalarType.BFloat16 or ScalarType.Float16)) continue;
            var up = outputs[i].to_type(ScalarType.Float32);
            outputs[i].Dispose();
            outputs[i] = up;
        }
        return outputs;
    }

    /// <inheritdoc />
    protected internal override string DescribeOutput(int index)
    {
        var output = Graph.Outputs[index];
        if (output.Node is not { } node) return $"output '{OutputNames[index]}' (an input passed through)";
        string units = node.Layer is Dense d ? $", {d.Units} units" : "";
        return OutputNames.Count == 1
            ? $"last layer '{node.Layer.Name}' ({node.Layer.TypeName}{units})"
            : $"output '{OutputNames[index]}' (layer '{node.Layer.Name}', {node.Layer.TypeName}{units})";
    }

    // ---------------------------------------------------------------- compile

    /// <summary>
    /// Sets the optimizer, loss and metrics. Creates a fresh TorchSharp optimizer over the weights, so compiling again
    /// resets the optimizer's state (as in Keras). For a model with several outputs, the loss and metrics apply to each.
    /// </summary>
    /// <returns>The same model, so calls can be chained.</returns>
    public Model Compile(Optimizer optimizer, Loss loss, params Metric[] metrics)
    {
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(metrics);
        int outputs = OutputNames.Count;
        CompileCore(optimizer, Enumerable.Repeat<Loss?>(loss, outputs).ToArray(), null,
            Enumerable.Range(0, outputs).Select(o => (IReadOnlyList<Metric>)(o == 0 ? metrics : metrics.Select(m => m.Clone()).ToArray())).ToArray());
        return this;
    }

    /// <summary>
    /// Sets the optimizer and, per output (by output name), the loss, its weight in the total loss and the metrics —
    /// Keras's <c>compile(loss={...}, loss_weights={...}, metrics={...})</c>. Outputs without a loss are not trained
    /// directly; weights default to 1.
    /// </summary>
    /// <returns>The same model, so calls can be chained.</returns>
    public Model Compile(Optimizer optimizer, IReadOnlyDictionary<string, Loss> losses, IReadOnlyDictionary<string, double>? lossWeights = null,
        IReadOnlyDictionary<string, Metric[]>? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(losses);
        CheckOutputNames(losses.Keys, nameof(losses));
        if (lossWeights is not null) CheckOutputNames(lossWeights.Keys, nameof(lossWeights));
        if (metrics is not null) CheckOutputNames(metrics.Keys, nameof(metrics));
        CompileCore(optimizer,
            OutputNames.Select(n => losses.TryGetValue(n, out var l) ? l : null).ToArray(),
            OutputNames.Select(n => lossWeights is not null && lossWeights.TryGetValue(n, out var w) ? w : 1.0).ToArray(),
            OutputNames.Select(n => (IReadOnlyList<Metric>)(metrics is not null && metrics.TryGetValue(n, out var m) ? m : Array.Empty<Metric>())).ToArray());
        return this;
    }

    /// <summary>
    /// One parameter group per run of layers of <see cref="Optimizer.LayerRates"/> (layers before the first named one at
    /// the optimizer's own rate); empty runs are left out. Parameters of a layer used in several places count once.
    /// </summary>
    protected internal override IReadOnlyList<ParameterGroup> CreateParameterGroups(Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        if (optimizer.LayerRates.Count == 0) return base.CreateParameterGroups(optimizer);
        var starts = optimizer.LayerRates.Select(r => (Index: IndexOf(r.FromLayer), r.LearningRate)).OrderBy(s => s.Index).ToList();
        var children = _network.named_children().ToDictionary(c => c.name, c => c.module);
        var groups = new List<ParameterGroup>();
        var seen = new HashSet<IntPtr>();
        var current = new List<TorchSharp.Modules.Parameter>();
        double rate = optimizer.LearningRate;
        int next = 0;
        for (int i = 0; i < Layers.Count; i++)
        {
            if (next < starts.Count && starts[next].Index == i)
            {
                if (current.Count > 0) groups.Add(new ParameterGroup(current.ToArray(), rate));
                current.Clear();
                rate = starts[next++].LearningRate;
            }
            if (!children.TryGetValue(Layers[i].Name, out var module)) continue;
            foreach (var p in module.parameters())
            {
                if (seen.Add(p.Handle)) current.Add(p);
            }
        }
        if (current.Count > 0) groups.Add(new ParameterGroup(current.ToArray(), rate));
        int total = _network.parameters().Count();
        if (seen.Count != total)
            throw new InvalidOperationException($"Model '{Name}': the parameter groups hold {seen.Count} of the model's {total} parameters; every parameter must belong to a top-level layer.");
        return groups;
    }

    /// <summary>Compiles from a model archive's compile configuration (losses and metrics per output, in output order).</summary>
    internal void CompileFrom(Optimizer optimizer, IReadOnlyList<Loss?> losses, IReadOnlyList<double> lossWeights, IReadOnlyList<IReadOnlyList<Metric>> metrics)
        => CompileCore(optimizer, losses, lossWeights, metrics);

    private void CheckOutputNames(IEnumerable<string> names, string argument)
    {
        foreach (var n in names)
        {
            if (!OutputNames.Contains(n))
                throw new ArgumentException($"Model '{Name}' has no output named '{n}'. Its outputs are: {string.Join(", ", OutputNames)}.", argument);
        }
    }

    // ---------------------------------------------------------------- archives

    /// <summary>What the model archive records besides the architecture and weights: class names, image preprocessing, a description.</summary>
    public ModelMetadata Metadata
    {
        get => _metadata;
        set => _metadata = value ?? throw new ArgumentNullException(nameof(value));
    }

    private ModelMetadata _metadata = new();

    /// <summary>
    /// Saves the whole model to a model archive (<c>.kwmodel</c>, one zip file), atomically: the architecture as
    /// versioned JSON, the weights as safetensors, the compile configuration, the <see cref="Metadata"/>, and with
    /// <paramref name="includeOptimizer"/> the optimizer's state. <see cref="Load"/> rebuilds it with no code. Layers of
    /// your own must be registered with <see cref="ModelArchive.Register{T}"/>; a <see cref="Lambda"/> layer cannot be saved.
    /// </summary>
    /// <exception cref="Formats.ModelArchiveException">A layer, loss or metric cannot be saved; the message names it and says why.</exception>
    public void Save(string path, bool includeOptimizer = false) => ModelArchive.Write(this, path, includeOptimizer);

    /// <summary>
    /// Rebuilds a model from a model archive written by <see cref="Save"/> — architecture, weights, metadata and (with
    /// <paramref name="compile"/>) the optimizer, losses and metrics, and the optimizer's state when saved. Needs no code
    /// of the model's author; a layer type of your own must be registered with <see cref="ModelArchive.Register{T}"/> first.
    /// Loading never runs code from the file.
    /// </summary>
    /// <param name="path">The archive.</param>
    /// <param name="device">Where the weights go (<see cref="ComputeDevice.Auto"/> by default).</param>
    /// <param name="compile">Whether to compile with the saved configuration (when the archive has one).</param>
    /// <exception cref="Formats.ModelArchiveException">The file is damaged, from a newer format, or names an unknown type; the message names the file and the entry.</exception>
    public static Model Load(string path, ComputeDevice? device = null, bool compile = true) => ModelArchive.Read(path, device, compile);

    // ---------------------------------------------------------------- summary and freezing

    /// <summary>
    /// The summary (shapes, parameters, MACs, receptive fields), computed by arithmetic. Parameters of frozen layers
    /// (<see cref="Freeze(string[])"/>) count as non-trainable, as in Keras.
    /// </summary>
    public ModelSummary Summary()
    {
        if (_frozen.Count == 0) return _summary;
        var rows = new List<LayerDescription>();
        bool inFrozen = false;
        foreach (var row in _summary.Rows)
        {
            if (row.Depth == 0) inFrozen = _frozen.Contains(row.Layer.Name);
            rows.Add(inFrozen ? row with { Parameters = new ParameterCount(0, row.Parameters.Total) } : row);
        }
        return _summary.WithRows(rows);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _network.Dispose();
    }
}
