using Kernelwise.Layers;
using static TorchSharp.torch;

namespace Kernelwise.Export.Converters;

/// <summary>ZeroPadding2D → ONNX <c>Pad</c> (constant zero) with pads <c>[0, 0, top, left, 0, 0, bottom, right]</c>.</summary>
internal sealed class ZeroPadding2DConverter : OnnxLayerConverter<ZeroPadding2D>
{
    protected override string Convert(OnnxConversionContext context, ZeroPadding2D layer, nn.Module module, string input, Shape inputShape)
    {
        string pads = context.Graph.Int64Initializer($"{layer.Name}.pads", 0, 0, layer.Top, layer.Left, 0, 0, layer.Bottom, layer.Right);
        return context.Graph.Node("Pad", $"{layer.Name}/Pad", new[] { input, pads });
    }
}
