using Kernelwise.Layers;
using static Kernelwise.Export.OnnxGraphBuilder;
using static TorchSharp.torch;

namespace Kernelwise.Export.Converters;

/// <summary>Flatten → ONNX <c>Flatten</c> with <c>axis = 1</c> (<c>[batch, ...]</c> → <c>[batch, features]</c>, row-major as PyTorch).</summary>
internal sealed class FlattenConverter : OnnxLayerConverter<Flatten>
{
    protected override string Convert(OnnxConversionContext context, Flatten layer, nn.Module module, string input, Shape inputShape)
        => context.Graph.Node("Flatten", $"{layer.Name}/Flatten", new[] { input }, Int("axis", 1));
}
