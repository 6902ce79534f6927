using Kernelwise.Layers;

namespace Kernelwise.Models;

/// <summary>
/// A model defined as layers in order from a declared input shape — Keras's <c>Sequential</c>.
/// <code>
/// var model = new Sequential(new Shape(1, 28, 28))
///     .Conv2D(32, 5, padding: Padding.Same, activation: Activation.ReLU)
///     .MaxPooling2D(2)
///     .Flatten()
///     .Dense(10)
///     .Build();
/// </code>
/// </summary>
/// <remarks>
/// Every fluent method returns this definition. Shapes are inferred layer by layer from the declared input, so
/// <see cref="Summary"/> and every shape error come from arithmetic alone, before any tensor exists;
/// <see cref="Build"/> then allocates the weights. Underneath, the definition is a chain <see cref="LayerGraph"/>,
/// the same mechanism as a functional model (<see cref="Model(Input, SymbolicTensor, string, ComputeDevice?)"/>).
/// </remarks>
public sealed class Sequential : ILayerChain<Sequential>
{
    private readonly List<Layer> _layers = new();

    /// <summary>Starts a model whose samples have shape <paramref name="input"/> (NCHW without the batch: (channels, height, width)).</summary>
    public Sequential(Shape input, string name = "sequential")
    {
        ArgumentNullException.ThrowIfNull(input);
        InputShape = input;
        Name = Guard.NotEmpty(name);
    }

    /// <summary>The model's name.</summary>
    public string Name { get; }

    /// <summary>The declared input shape (batch excluded).</summary>
    public Shape InputShape { get; }

    /// <summary>The layers added so far.</summary>
    public IReadOnlyList<Layer> Layers => _layers;

    /// <summary>Appends a layer.</summary>
    /// <returns>The same definition, so calls can be chained.</returns>
    public Sequential Add(Layer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        _layers.Add(layer);
        return this;
    }

    Sequential ILayerChain<Sequential>.Then(Layer layer) => Add(layer);

    /// <summary>The definition as a chain graph from one input, with layer names assigned.</summary>
    /// <exception cref="ModelBuildException">A layer cannot accept the shape it receives.</exception>
    public LayerGraph ToGraph()
    {
        if (_layers.Count == 0) throw new InvalidOperationException($"Model '{Name}' has no layers: add at least one layer before building or summarising it.");
        // Names first, so a shape error names the layer as the summary would (conv2d_1, not conv2d).
        var names = new NameAllocator();
        foreach (var layer in _layers) layer.AssignNames(names);
        var graph = LayerGraph.Chain(InputShape, _layers, Name);
        graph.AssignNames(names);
        return graph;
    }

    /// <summary>The summary (shapes, parameters, MACs, receptive fields), computed from the declared input shape by arithmetic alone (no tensors, no libtorch).</summary>
    public ModelSummary Summary() => ModelSummary.Of(ToGraph());

    /// <summary>
    /// Validates every layer, allocates the weights (PyTorch's initialisation, drawn from libtorch's generator — seed it
    /// first with <c>Reproducibility.Seed</c> for reproducible weights) and places them on <paramref name="device"/>
    /// (<see cref="ComputeDevice.Auto"/> by default).
    /// </summary>
    public Model Build(ComputeDevice? device = null) => new(ToGraph(), device);

    /// <summary>Builds on <see cref="ComputeDevice.Auto"/> and compiles in one step.</summary>
    public Model Compile(Optimizer optimizer, Loss loss, params Metric[] metrics) => Build().Compile(optimizer, loss, metrics);
}
