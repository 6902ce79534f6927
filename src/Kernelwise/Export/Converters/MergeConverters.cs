using Kernelwise.Layers;

namespace Kernelwise.Export.Converters;

/// <summary>Element-wise merges as a chain of binary ONNX operators (Add, Sub, Mul, Max); Average as a sum scaled by 1/n.</summary>
internal sealed class ElementwiseMergeConverter<TLayer> : OnnxMergeConverter<TLayer> where TLayer : MergeLayer
{
    private readonly string _op;

    public ElementwiseMergeConverter(string op) => _op = op;

    protected override string Convert(OnnxConversionContext context, TLayer layer, IReadOnlyList<string> inputs, IReadOnlyList<Shape> shapes)
    {
        string op = layer is Average ? "Add" : _op;
        string value = inputs[0];
        for (int i = 1; i < inputs.Count; i++)
            value = context.Graph.Node(op, inputs.Count == 2 ? $"{layer.Name}/{op}" : $"{layer.Name}/{op}_{i}", new[] { value, inputs[i] });
        if (layer is Average) value = context.Graph.Node("Mul", $"{layer.Name}/Scale", new[] { value, context.Scalar(1f / inputs.Count) });
        return value;
    }
}

/// <summary><see cref="Layers.Concatenate"/> as ONNX Concat along the same (batch-inclusive) axis.</summary>
internal sealed class ConcatenateMergeConverter : OnnxMergeConverter<Concatenate>
{
    protected override string Convert(OnnxConversionContext context, Concatenate layer, IReadOnlyList<string> inputs, IReadOnlyList<Shape> shapes)
    {
        int axis = layer.Axis > 0 ? layer.Axis : shapes[0].Rank + 1 + layer.Axis;
        return context.Graph.Node("Concat", $"{layer.Name}/Concat", inputs.ToArray(), OnnxGraphBuilder.Int("axis", axis));
    }
}
