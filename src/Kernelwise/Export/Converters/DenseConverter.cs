using Kernelwise.Layers;
using static Kernelwise.Export.OnnxGraphBuilder;
using static TorchSharp.torch;

namespace Kernelwise.Export.Converters;

/// <summary>Dense → ONNX <c>Gemm</c> (<c>x · Wᵀ + b</c>, <c>transB = 1</c>, weights <c>[units, features]</c> as in PyTorch), then the activation.</summary>
internal sealed class DenseConverter : OnnxLayerConverter<Dense>
{
    protected override string Convert(OnnxConversionContext context, Dense layer, nn.Module module, string input, Shape inputShape)
    {
        var inputs = new List<string> { input, context.WeightInitializer(layer, module, "weight") };
        if (layer.UseBias) inputs.Add(context.WeightInitializer(layer, module, "bias"));
        string y = context.Graph.Node("Gemm", $"{layer.Name}/Gemm", inputs, Int("transB", 1));
        return context.Activation(layer.Name, layer.Activation, y);
    }
}
