using Kernelwise.Layers;
using static Kernelwise.Export.OnnxGraphBuilder;
using static TorchSharp.torch;

namespace Kernelwise.Export.Converters;

/// <summary>
/// BatchNormalization → ONNX <c>BatchNormalization</c> in inference form: <c>(x − running_mean) / √(running_var + ε) ·
/// weight + bias</c> per channel (axis 1), with the trained running statistics as initializers.
/// </summary>
internal sealed class BatchNormalizationConverter : OnnxLayerConverter<BatchNormalization>
{
    protected override string Convert(OnnxConversionContext context, BatchNormalization layer, nn.Module module, string input, Shape inputShape)
    {
        var inputs = new[]
        {
            input,
            context.WeightInitializer(layer, module, "weight"),
            context.WeightInitializer(layer, module, "bias"),
            context.WeightInitializer(layer, module, "running_mean"),
            context.WeightInitializer(layer, module, "running_var"),
        };
        return context.Graph.Node("BatchNormalization", $"{layer.Name}/BatchNormalization", inputs, Float("epsilon", (float)layer.Epsilon));
    }
}
