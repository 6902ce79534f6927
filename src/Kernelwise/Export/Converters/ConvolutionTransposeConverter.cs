using Kernelwise.Layers;
using static Kernelwise.Export.OnnxGraphBuilder;
using static TorchSharp.torch;

namespace Kernelwise.Export.Converters;

/// <summary>
/// Conv1DTranspose, Conv2DTranspose, Conv3DTranspose → ONNX <c>ConvTranspose</c> (weights <c>[channels, filters / groups,
/// *kernel]</c> as in PyTorch), then the activation.
/// </summary>
/// <remarks>
/// The layer keeps the elements <c>[cropBefore, full − cropAfter + outputPadding)</c> of the full transposed convolution
/// (size <c>(n − 1)·s + d·(k − 1) + 1</c>). ONNX crops <c>pads</c> from both ends after adding <c>output_padding</c> at
/// the end, so the end crop and the output padding are netted: <c>pads_end = max(cropAfter − outputPadding, 0)</c> and
/// <c>output_padding = max(outputPadding − cropAfter, 0)</c> (the latter also covers "same" with a kernel smaller than the
/// stride, where the layer adds elements at the end).
/// </remarks>
internal sealed class ConvolutionTransposeConverter : OnnxLayerConverter<BaseConvTranspose>
{
    protected override string Convert(OnnxConversionContext context, BaseConvTranspose layer, nn.Module module, string input, Shape inputShape)
    {
        var (cropBefore, cropAfter) = layer.ResolveCropping();
        int rank = layer.Rank;
        var padsEnd = new int[rank];
        var outputPadding = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int net = cropAfter[i] - layer.OutputPadding[i];
            if (net >= 0) padsEnd[i] = net;
            else outputPadding[i] = -net;
        }
        var inputs = new List<string> { input, context.WeightInitializer(layer, module, "weight") };
        if (layer.UseBias) inputs.Add(context.WeightInitializer(layer, module, "bias"));
        string y = context.Graph.Node("ConvTranspose", $"{layer.Name}/ConvTranspose", inputs,
            Ints("kernel_shape", layer.KernelSize),
            Ints("strides", layer.Strides),
            Ints("dilations", layer.Dilation),
            Ints("pads", cropBefore.Concat(padsEnd)),
            Ints("output_padding", outputPadding),
            Int("group", layer.Groups));
        return context.Activation(layer.Name, layer.Activation, y);
    }
}
