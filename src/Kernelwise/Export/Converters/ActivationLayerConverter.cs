using Kernelwise.Layers;
using static TorchSharp.torch;

namespace Kernelwise.Export.Converters;

/// <summary>
/// Activation layers → <c>Relu</c>, <c>LeakyRelu</c>, <c>Elu</c>, <c>Sigmoid</c>, <c>Tanh</c>, <c>Softmax</c> (axis 1),
/// SiLU as <c>x · Sigmoid(x)</c> and exact GELU as <c>0.5 · x · (1 + Erf(x / √2))</c>; a linear activation emits nothing.
/// </summary>
internal sealed class ActivationLayerConverter : OnnxLayerConverter<ActivationLayer>
{
    protected override string Convert(OnnxConversionContext context, ActivationLayer layer, nn.Module module, string input, Shape inputShape)
        => context.Activation(layer.Name, layer.Activation, input, layer.Alpha);
}
