using Kernelwise.Layers;
using static TorchSharp.torch;

namespace Kernelwise.Export.Converters;

/// <summary>Dropout and SpatialDropout2D: the identity at inference, so no node is emitted.</summary>
internal sealed class DropoutConverter<TLayer> : OnnxLayerConverter<TLayer> where TLayer : Layer
{
    protected override string Convert(OnnxConversionContext context, TLayer layer, nn.Module module, string input, Shape inputShape) => input;
}
