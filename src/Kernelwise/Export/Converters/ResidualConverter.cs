using Kernelwise.Layers;
using static TorchSharp.torch;

namespace Kernelwise.Export.Converters;

/// <summary>
/// Residual → the main path and the shortcut path (the input itself for an identity shortcut) converted recursively,
/// an ONNX <c>Add</c>, then the block's activation.
/// </summary>
internal sealed class ResidualConverter : OnnxLayerConverter<Residual>
{
    protected override string Convert(OnnxConversionContext context, Residual layer, nn.Module module, string input, Shape inputShape)
    {
        string main = context.ConvertLayer(layer.Main, OnnxConversionContext.Child(layer, module, "main"), input, inputShape);
        string shortcut = layer.Shortcut is null
            ? input
            : context.ConvertLayer(layer.Shortcut, OnnxConversionContext.Child(layer, module, "shortcut"), input, inputShape);
        string sum = context.Graph.Node("Add", $"{layer.Name}/Add", new[] { main, shortcut });
        return context.Activation(layer.Name, layer.Activation, sum);
    }
}
