using Kernelwise.Layers;
using static Kernelwise.Export.OnnxGraphBuilder;
using static TorchSharp.torch;

namespace Kernelwise.Export.Converters;

/// <summary>
/// Max and average pooling (1D, 2D, 3D) → ONNX <c>MaxPool</c> / <c>AveragePool</c> with the resolved padding as
/// explicit <c>pads</c>. Padding never counts: <c>MaxPool</c> pads with −∞ and <c>AveragePool</c> uses
/// <c>count_include_pad = 0</c>, which divides by the real elements of each window — what the layer computes for
/// symmetric and asymmetric ("same") padding alike.
/// </summary>
internal sealed class PoolingConverter : OnnxLayerConverter<BasePooling>
{
    protected override string Convert(OnnxConversionContext context, BasePooling layer, nn.Module module, string input, Shape inputShape)
    {
        var (before, after) = layer.ResolvePadding(inputShape);
        var kernel = Ints("kernel_shape", layer.PoolSize);
        var strides = Ints("strides", layer.Strides);
        var pads = Ints("pads", before.Concat(after));
        return layer.Kind == PoolingKind.Max
            ? context.Graph.Node("MaxPool", $"{layer.Name}/MaxPool", new[] { input }, kernel, strides, pads)
            : context.Graph.Node("AveragePool", $"{layer.Name}/AveragePool", new[] { input }, kernel, strides, pads, Int("count_include_pad", 0));
    }
}
