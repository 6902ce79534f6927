using Kernelwise.Layers;
using static TorchSharp.torch;

namespace Kernelwise.Export.Converters;

/// <summary>
/// SeparableConv2D → two ONNX <c>Conv</c> nodes: the depthwise one (<c>group</c> = input channels, no bias) and the 1×1
/// pointwise one (with the bias), then the activation.
/// </summary>
internal sealed class SeparableConv2DConverter : OnnxLayerConverter<SeparableConv2D>
{
    protected override string Convert(OnnxConversionContext context, SeparableConv2D layer, nn.Module module, string input, Shape inputShape)
    {
        var (before, after) = layer.ResolvePadding(inputShape);
        int rank = layer.Rank;
        var ones = Enumerable.Repeat(1, rank).ToArray();
        string depthwise = ConvolutionConverter.Emit(context, $"{layer.Name}/depthwise", module, "depthwise.", input, layer.KernelSize, layer.Strides,
            layer.Dilation, before, after, inputShape.Channels, false, layer);
        string pointwise = ConvolutionConverter.Emit(context, $"{layer.Name}/pointwise", module, "pointwise.", depthwise, ones, ones, ones,
            new int[rank], new int[rank], 1, layer.UseBias, layer);
        return context.Activation(layer.Name, layer.Activation, pointwise);
    }
}
