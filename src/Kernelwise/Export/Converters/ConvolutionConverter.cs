using Kernelwise.Layers;
using static Kernelwise.Export.OnnxGraphBuilder;
using static TorchSharp.torch;

namespace Kernelwise.Export.Converters;

/// <summary>
/// Conv1D, Conv2D, Conv3D → ONNX <c>Conv</c> (weights <c>[filters, channels / groups, *kernel]</c> as in PyTorch), with
/// the resolved padding as explicit <c>pads</c> (asymmetric for "same" with an even total), then the activation.
/// </summary>
internal sealed class ConvolutionConverter : OnnxLayerConverter<BaseConv>
{
    protected override string Convert(OnnxConversionContext context, BaseConv layer, nn.Module module, string input, Shape inputShape)
    {
        var (before, after) = layer.ResolvePadding(inputShape);
        string y = Emit(context, layer.Name, module, "", input, layer.KernelSize, layer.Strides, layer.Dilation, before, after, layer.Groups, layer.UseBias,
            layer);
        return context.Activation(layer.Name, layer.Activation, y);
    }

    /// <summary>Emits one <c>Conv</c> node reading the weights <c>{prefix}weight</c> and <c>{prefix}bias</c> of <paramref name="module"/>.</summary>
    internal static string Emit(OnnxConversionContext context, string name, nn.Module module, string prefix, string input, int[] kernel, int[] strides,
        int[] dilation, int[] before, int[] after, int groups, bool useBias, Layers.Layer layer)
    {
        var inputs = new List<string> { input, context.WeightInitializer(layer, module, prefix + "weight") };
        if (useBias) inputs.Add(context.WeightInitializer(layer, module, prefix + "bias"));
        return context.Graph.Node("Conv", $"{name}/Conv", inputs,
            Ints("kernel_shape", kernel),
            Ints("strides", strides),
            Ints("dilations", dilation),
            Ints("pads", before.Concat(after)),
            Int("group", groups));
    }
}
