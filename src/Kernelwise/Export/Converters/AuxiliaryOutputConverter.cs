using Kernelwise.Layers;
using static TorchSharp.torch;

namespace Kernelwise.Export.Converters;

/// <summary>
/// AuxiliaryOutput: a training-only side head (GoogLeNet's auxiliary classifiers). In evaluation mode the layer passes
/// its input through and the head does not run, so nothing is emitted.
/// </summary>
internal sealed class AuxiliaryOutputConverter : OnnxLayerConverter<AuxiliaryOutput>
{
    protected override string Convert(OnnxConversionContext context, AuxiliaryOutput layer, nn.Module module, string input, Shape inputShape) => input;
}
