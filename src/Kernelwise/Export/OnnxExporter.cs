using System.Reflection;
using Google.Protobuf;
using Kernelwise.Layers;
using Kernelwise.Models;
using Onnx;

namespace Kernelwise.Export;

/// <summary>Builds the ONNX model of a Kernelwise <see cref="Model"/> from its layers and its trained weights.</summary>
internal static class OnnxExporter
{
    /// <summary>
    /// The default-domain opset the graph declares. 17 is the first with <c>LayerNormalization</c>; every operator
    /// used here has kept its semantics since, and ONNX Runtime 1.31 (and runtimes back to 1.12) load it.
    /// </summary>
    public const int OpsetVersion = 17;

    /// <summary>The IR version matching opset 17 (ONNX 1.12).</summary>
    public const int IrVersion = 8;

    /// <summary>
    /// Checks that every layer (nested ones included) has a converter; throws <see cref="OnnxExportException"/> naming
    /// all that do not.
    /// </summary>
    public static void CheckSupported(Model model, OnnxConverterRegistry converters)
    {
        var missing = new List<Layer>();
        void Visit(Layer layer)
        {
            if (converters.Find(layer.GetType()) is null) missing.Add(layer);
            foreach (var child in layer.Children) Visit(child);
        }
        foreach (var layer in model.Layers) Visit(layer);
        if (missing.Count == 0) return;
        string list = string.Join(", ", missing.Select(l => $"'{l.Name}' ({l.GetType().FullName})"));
        string supported = string.Join(", ", converters.LayerTypes.Select(t => t.Name));
        throw new OnnxExportException(missing[0].Name,
            $"Cannot export model '{model.Name}' to ONNX: {(missing.Count == 1 ? "layer" : "layers")} {list} {(missing.Count == 1 ? "has" : "have")} no ONNX converter. " +
            $"Layers that can be exported: {supported}. Nothing was written.");
    }

    /// <summary>Converts <paramref name="model"/> into an ONNX model (in memory).</summary>
    public static ModelProto Convert(Model model, OnnxExportOptions options, OnnxConverterRegistry converters)
    {
        options.Validate();
        CheckSupported(model, converters);

        var graph = new OnnxGraphBuilder();
        graph.Graph.Name = model.Name;
        string input = graph.UniqueName(options.InputName);
        string outputName = options.ResolvedOutputName;
        graph.UniqueName(outputName); // reserved: no intermediate value may take it
        var context = new OnnxConversionContext(graph, converters);

        string output;
        try
        {
            (output, _) = context.ConvertSequence(model.Layers, model.Network, input, model.InputShape);
        }
        catch (Exception e) when (e is not OnnxExportException and not OutOfMemoryException)
        {
            throw new OnnxExportException(null, $"Cannot export model '{model.Name}' to ONNX: {e.Message} Nothing was written.", e);
        }

        if (options.AppendSoftmax && !model.EndsInSoftmax) // a model ending in softmax already outputs probabilities
        {
            output = graph.Node("Softmax", $"{model.Name}/Softmax", new[] { output }, OnnxGraphBuilder.Int("axis", 1));
        }
        if (!graph.RenameNodeOutput(output, outputName))
        {
            // The output is the input itself (a model of dropout and linear activations only): name it with Identity.
            var node = new NodeProto { OpType = "Identity", Name = outputName };
            node.Input.Add(output);
            node.Output.Add(outputName);
            graph.Graph.Node.Add(node);
        }

        graph.Graph.Input.Add(ValueInfo(input, options.BatchDimensionName, model.InputShape));
        graph.Graph.Output.Add(ValueInfo(outputName, options.BatchDimensionName, model.OutputShape));

        var proto = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "Kernelwise",
            ProducerVersion = typeof(OnnxExporter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "",
            Graph = graph.Graph,
        };
        if (options.Description is not null) proto.DocString = options.Description;
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OpsetVersion });
        return proto;
    }

    /// <summary>Serializes <paramref name="proto"/> to bytes.</summary>
    public static byte[] ToBytes(ModelProto proto) => proto.ToByteArray();

    private static ValueInfoProto ValueInfo(string name, string batch, Shape shape)
    {
        var tensorShape = new TensorShapeProto();
        tensorShape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = batch });
        foreach (int d in shape.ToArray()) tensorShape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto
            {
                TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = tensorShape },
            },
        };
    }
}
