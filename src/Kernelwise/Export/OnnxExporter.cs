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
        // One input and one output take the option names; several keep the model's own input and output names.
        bool singleInput = model.InputNames.Count == 1, singleOutput = model.OutputNames.Count == 1;
        var inputs = (singleInput ? new[] { options.InputName } : model.InputNames).Select(graph.UniqueName).ToArray();
        var outputNames = singleOutput ? new[] { options.ResolvedOutputName } : model.OutputNames.ToArray();
        foreach (var name in outputNames) graph.UniqueName(name); // reserved: no intermediate value may take it
        var context = new OnnxConversionContext(graph, converters);

        IReadOnlyList<string> outputs;
        try
        {
            outputs = context.ConvertGraph(model.Graph, model.Network, inputs);
        }
        catch (Exception e) when (e is not OnnxExportException and not OutOfMemoryException)
        {
            throw new OnnxExportException(null, $"Cannot export model '{model.Name}' to ONNX: {e.Message} Nothing was written.", e);
        }

        var final = outputs.ToArray();
        if (options.AppendSoftmax && singleOutput && !model.EndsInSoftmax) // a model ending in softmax already outputs probabilities
        {
            final[0] = graph.Node("Softmax", $"{model.Name}/Softmax", new[] { final[0] }, OnnxGraphBuilder.Int("axis", 1));
        }
        for (int i = 0; i < final.Length; i++)
        {
            // An output that is an input, or that another output already renamed, is named with Identity.
            if (inputs.Contains(final[i]) || final.Take(i).Contains(final[i]) || !graph.RenameNodeOutput(final[i], outputNames[i]))
            {
                var node = new NodeProto { OpType = "Identity", Name = outputNames[i] };
                node.Input.Add(i > 0 && final.Take(i).Contains(final[i]) ? outputNames[Array.IndexOf(final, final[i])] : final[i]);
                node.Output.Add(outputNames[i]);
                graph.Graph.Node.Add(node);
            }
        }

        for (int i = 0; i < inputs.Length; i++) graph.Graph.Input.Add(ValueInfo(inputs[i], options.BatchDimensionName, model.InputShapes[i]));
        for (int i = 0; i < outputNames.Length; i++) graph.Graph.Output.Add(ValueInfo(outputNames[i], options.BatchDimensionName, model.OutputShapes[i]));

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
