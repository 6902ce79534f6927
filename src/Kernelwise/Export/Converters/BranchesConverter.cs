using Kernelwise.Layers;
using static Kernelwise.Export.OnnxGraphBuilder;
using static TorchSharp.torch;

namespace Kernelwise.Export.Converters;

/// <summary>Branches → every path converted recursively from the same input, then ONNX <c>Concat</c> along the channels (axis 1).</summary>
internal sealed class BranchesConverter : OnnxLayerConverter<Branches>
{
    protected override string Convert(OnnxConversionContext context, Branches layer, nn.Module module, string input, Shape inputShape)
    {
        var outputs = layer.Paths
            .Select(path => context.ConvertLayer(path, OnnxConversionContext.Child(layer, module, path.Name), input, inputShape))
            .ToArray();
        return context.Graph.Node("Concat", $"{layer.Name}/Concat", outputs, Int("axis", 1));
    }
}
