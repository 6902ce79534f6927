using Kernelwise.Layers;
using static Kernelwise.Export.OnnxGraphBuilder;
using static TorchSharp.torch;

namespace Kernelwise.Export.Converters;

/// <summary>
/// Global average and max pooling → ONNX <c>GlobalAveragePool</c> / <c>GlobalMaxPool</c> (output <c>[batch, channels,
/// 1, ...]</c>), followed by <c>Flatten</c> to <c>[batch, channels]</c> unless the layer keeps the dimensions.
/// </summary>
internal sealed class GlobalPoolingConverter : OnnxLayerConverter<BaseGlobalPooling>
{
    protected override string Convert(OnnxConversionContext context, BaseGlobalPooling layer, nn.Module module, string input, Shape inputShape)
    {
        string op = layer.Kind == PoolingKind.Max ? "GlobalMaxPool" : "GlobalAveragePool";
        string pooled = context.Graph.Node(op, $"{layer.Name}/{op}", new[] { input });
        return layer.KeepDims ? pooled : context.Graph.Node("Flatten", $"{layer.Name}/Flatten", new[] { pooled }, Int("axis", 1));
    }
}
