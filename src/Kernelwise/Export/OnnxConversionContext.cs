using Kernelwise.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace Kernelwise.Export;

/// <summary>
/// What a converter works with: the graph under construction, the registry (to convert nested layers of composite
/// layers), and helpers to read a layer's weights and to emit activations.
/// </summary>
public sealed class OnnxConversionContext
{
    private readonly Dictionary<float, string> _scalars = new();

    internal OnnxConversionContext(OnnxGraphBuilder graph, OnnxConverterRegistry converters)
    {
        Graph = graph;
        Converters = converters;
    }

    /// <summary>The graph under construction.</summary>
    public OnnxGraphBuilder Graph { get; }

    /// <summary>The converters, by layer type.</summary>
    internal OnnxConverterRegistry Converters { get; }

    /// <summary>Converts one layer with the converter registered for its type.</summary>
    public string ConvertLayer(Layer layer, nn.Module module, string input, Shape inputShape)
    {
        var converter = Converters.Find(layer.GetType())
            ?? throw new OnnxExportException(layer.Name, $"Layer '{layer.Name}' ({layer.TypeName}) has no ONNX converter.");
        return converter.Convert(this, layer, module, input, inputShape);
    }

    /// <summary>
    /// Converts <paramref name="layers"/> in order, each reading the previous one's output; their modules are the
    /// children of <paramref name="container"/> named after the layers (how <c>Sequential.CreateModule</c> builds them).
    /// Returns the last output and its shape.
    /// </summary>
    internal (string Output, Shape Shape) ConvertSequence(IReadOnlyList<Layer> layers, nn.Module container, string input, Shape inputShape)
    {
        var modules = container.named_children().ToDictionary(c => c.name, c => c.module, StringComparer.Ordinal);
        string value = input;
        var shape = inputShape;
        foreach (var layer in layers)
        {
            if (!modules.TryGetValue(layer.Name, out var module))
            {
                throw new OnnxExportException(layer.Name,
                    $"Layer '{layer.Name}' ({layer.TypeName}) has no module in the model's network (found: {string.Join(", ", modules.Keys)}).");
            }
            var output = layer.ComputeOutputShape(shape);
            value = ConvertLayer(layer, module, value, shape);
            shape = output;
        }
        return (value, shape);
    }

    /// <summary>
    /// Converts a graph: each node in graph order, single-input layers through their converter and merge layers through
    /// their merge converter. <paramref name="inputs"/> holds one ONNX value per graph input; returns one per output.
    /// </summary>
    internal IReadOnlyList<string> ConvertGraph(LayerGraph graph, nn.Module container, IReadOnlyList<string> inputs)
    {
        var modules = container.named_children().ToDictionary(c => c.name, c => c.module, StringComparer.Ordinal);
        var values = new Dictionary<SymbolicTensor, string>();
        for (int i = 0; i < graph.Inputs.Count; i++) values[graph.Inputs[i]] = inputs[i];
        foreach (var node in graph.Nodes)
        {
            var layer = node.Layer;
            if (!modules.TryGetValue(layer.Name, out var module))
            {
                throw new OnnxExportException(layer.Name,
                    $"Layer '{layer.Name}' ({layer.TypeName}) has no module in the model's network (found: {string.Join(", ", modules.Keys)}).");
            }
            var args = node.Inputs.Select(t => values[t]).ToArray();
            var shapes = node.Inputs.Select(t => t.Shape).ToArray();
            values[node.Output] = layer is MergeLayer merge
                ? ConvertMerge(merge, args, shapes)
                : ConvertLayer(layer, module, args[0], shapes[0]);
        }
        return graph.Outputs.Select(o => values[o]).ToArray();
    }

    private string ConvertMerge(MergeLayer layer, IReadOnlyList<string> inputs, IReadOnlyList<Shape> shapes)
    {
        if (Converters.Find(layer.GetType()) is not IOnnxMergeConverter converter)
            throw new OnnxExportException(layer.Name, $"Layer '{layer.Name}' ({layer.TypeName}) has no ONNX converter for merging.");
        return converter.ConvertMerge(this, layer, inputs, shapes);
    }

    /// <summary>The submodule <paramref name="name"/> of a composite layer's module (e.g. a residual block's <c>main</c> path).</summary>
    public static nn.Module Child(Layer layer, nn.Module module, string name)
    {
        foreach (var (n, m) in module.named_children())
        {
            if (n == name) return m;
        }
        throw new OnnxExportException(layer.Name, $"Layer '{layer.Name}' ({layer.TypeName}) has no submodule named '{name}' in its module.");
    }

    /// <summary>The parameter or buffer <paramref name="name"/> (e.g. <c>weight</c>, <c>pointwise.bias</c>, <c>running_mean</c>) of a layer's module.</summary>
    public static Tensor Weight(Layer layer, nn.Module module, string name)
    {
        foreach (var (n, p) in module.named_parameters())
        {
            if (n == name) return p;
        }
        foreach (var (n, b) in module.named_buffers())
        {
            if (n == name) return b;
        }
        throw new OnnxExportException(layer.Name, $"Layer '{layer.Name}' ({layer.TypeName}) has no weight named '{name}' in its module.");
    }

    /// <summary>Adds the layer's weight <paramref name="name"/> as an initializer named <c>{layer}.{name}</c> and returns that name.</summary>
    public string WeightInitializer(Layer layer, nn.Module module, string name, long[]? shape = null)
        => Graph.Initializer($"{layer.Name}.{name}", Weight(layer, module, name), shape);

    /// <summary>A float32 scalar constant (shared by every node that uses the same value).</summary>
    public string Scalar(float value)
    {
        if (!_scalars.TryGetValue(value, out var name))
        {
            name = Graph.Initializer($"const_{value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}", new[] { value }, Array.Empty<long>());
            _scalars[value] = name;
        }
        return name;
    }

    /// <summary>Emits <paramref name="activation"/> applied to <paramref name="input"/> (nothing for <see cref="Activation.Linear"/>).</summary>
    /// <param name="prefix">Base name of the emitted nodes (the layer's name).</param>
    /// <param name="activation">The activation.</param>
    /// <param name="input">The value it applies to.</param>
    /// <param name="alpha">The slope of LeakyReLU (default 0.01) or the scale of ELU (default 1).</param>
    public string Activation(string prefix, Activation activation, string input, double? alpha = null)
    {
        var g = Graph;
        switch (activation)
        {
            case Kernelwise.Activation.Linear:
                return input;
            case Kernelwise.Activation.ReLU:
                return g.Node("Relu", $"{prefix}/Relu", new[] { input });
            case Kernelwise.Activation.LeakyReLU:
                return g.Node("LeakyRelu", $"{prefix}/LeakyRelu", new[] { input }, OnnxGraphBuilder.Float("alpha", (float)(alpha ?? 0.01)));
            case Kernelwise.Activation.ELU:
                return g.Node("Elu", $"{prefix}/Elu", new[] { input }, OnnxGraphBuilder.Float("alpha", (float)(alpha ?? 1.0)));
            case Kernelwise.Activation.GELU:
            {
                // Exact GELU (PyTorch's default): 0.5 · x · (1 + erf(x / √2)); the Gelu operator needs opset 20.
                var scaled = g.Node("Mul", $"{prefix}/Gelu/Scale", new[] { input, Scalar((float)(1 / Math.Sqrt(2))) });
                var erf = g.Node("Erf", $"{prefix}/Gelu/Erf", new[] { scaled });
                var onePlus = g.Node("Add", $"{prefix}/Gelu/AddOne", new[] { erf, Scalar(1f) });
                var times = g.Node("Mul", $"{prefix}/Gelu/MulInput", new[] { input, onePlus });
                return g.Node("Mul", $"{prefix}/Gelu", new[] { times, Scalar(0.5f) });
            }
            case Kernelwise.Activation.SiLU:
            {
                var sigmoid = g.Node("Sigmoid", $"{prefix}/SiLU/Sigmoid", new[] { input });
                return g.Node("Mul", $"{prefix}/SiLU", new[] { input, sigmoid });
            }
            case Kernelwise.Activation.Sigmoid:
                return g.Node("Sigmoid", $"{prefix}/Sigmoid", new[] { input });
            case Kernelwise.Activation.Tanh:
                return g.Node("Tanh", $"{prefix}/Tanh", new[] { input });
            case Kernelwise.Activation.Softmax:
                return g.Node("Softmax", $"{prefix}/Softmax", new[] { input }, OnnxGraphBuilder.Int("axis", 1));
            default:
                throw new OnnxExportException(prefix, $"Layer '{prefix}' uses activation {activation}, which has no ONNX form.");
        }
    }
}
