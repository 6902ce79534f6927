using Kernelwise.Layers;
using static TorchSharp.torch;

namespace Kernelwise.Export.Converters;

/// <summary>DepthwiseConv2D → ONNX <c>Conv</c> with <c>group</c> = input channels, then the activation.</summary>
internal sealed class DepthwiseConv2DConverter : OnnxLayerConverter<DepthwiseConv2D>
{
    protected override string Convert(OnnxConversionContext context, DepthwiseConv2D layer, nn.Module module, string input, Shape inputShape)
    {
        var (before, after) = layer.ResolvePadding(inputShape);
        string y = ConvolutionConverter.Emit(context, layer.Name, module, "", input, layer.KernelSize, layer.Strides, layer.Dilation, before, after,
            inputShape.Channels, layer.UseBias, layer);
        return context.Activation(layer.Name, layer.Activation, y);
    }
}
