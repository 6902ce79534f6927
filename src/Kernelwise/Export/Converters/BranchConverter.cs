using Kernelwise.Layers;
using static TorchSharp.torch;

namespace Kernelwise.Export.Converters;

/// <summary>
/// A path of a composite layer (<see cref="Branch"/>): its layers converted in order, each by its own registered
/// converter; an empty (identity) path returns its input.
/// </summary>
internal sealed class BranchConverter : OnnxLayerConverter<Branch>
{
    protected override string Convert(OnnxConversionContext context, Branch layer, nn.Module module, string input, Shape inputShape)
        => context.ConvertSequence(layer.Layers.Layers, module, input, inputShape).Output;
}
