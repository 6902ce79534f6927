using Kernelwise.Data;
using CenterCrop = Kernelwise.Layers.CenterCrop;
using RandomCrop = Kernelwise.Layers.RandomCrop;
using Kernelwise.Layers;
using static Kernelwise.Export.OnnxGraphBuilder;
using static TorchSharp.torch;

namespace Kernelwise.Export.Converters;

/// <summary>Rescaling → ONNX <c>Mul</c> by the scale, then <c>Add</c> of the offset (when not zero).</summary>
internal sealed class RescalingConverter : OnnxLayerConverter<Rescaling>
{
    protected override string Convert(OnnxConversionContext context, Rescaling layer, nn.Module module, string input, Shape inputShape)
    {
        string scaled = context.Graph.Node("Mul", $"{layer.Name}/Mul", new[] { input, context.Scalar((float)layer.Scale) });
        return layer.Offset == 0 ? scaled : context.Graph.Node("Add", $"{layer.Name}/Add", new[] { scaled, context.Scalar((float)layer.Offset) });
    }
}

/// <summary>
/// Normalization → ONNX <c>Sub</c> of the mean and <c>Div</c> by <c>max(√variance, 1e-7)</c> (inverted: <c>Mul</c> and
/// <c>Add</c>), with the module's statistics, shaped to broadcast over the normalised axis.
/// </summary>
internal sealed class NormalizationConverter : OnnxLayerConverter<Normalization>
{
    protected override string Convert(OnnxConversionContext context, Normalization layer, nn.Module module, string input, Shape inputShape)
    {
        var dims = Enumerable.Repeat(1L, inputShape.Rank + 1).ToArray();
        dims[layer.Axis + 1] = inputShape[layer.Axis];
        var g = context.Graph;
        string mean = g.Initializer($"{layer.Name}.mean", OnnxConversionContext.Weight(layer, module, "mean"), dims);
        using var std = OnnxConversionContext.Weight(layer, module, "variance").detach().sqrt().clamp_min(Modules.NormalizationModule.Epsilon);
        string deviation = g.Initializer($"{layer.Name}.std", std, dims);
        if (layer.Invert)
        {
            string scaled = g.Node("Mul", $"{layer.Name}/Mul", new[] { input, deviation });
            return g.Node("Add", $"{layer.Name}/Add", new[] { scaled, mean });
        }
        string centred = g.Node("Sub", $"{layer.Name}/Sub", new[] { input, mean });
        return g.Node("Div", $"{layer.Name}/Div", new[] { centred, deviation });
    }
}

/// <summary>
/// CenterCrop → ONNX <c>Slice</c> of rows and columns (offsets <c>(size − crop) / 2</c> rounded down, as the layer).
/// </summary>
internal sealed class CenterCropConverter : OnnxLayerConverter<CenterCrop>
{
    protected override string Convert(OnnxConversionContext context, CenterCrop layer, nn.Module module, string input, Shape inputShape)
        => Crop(context, layer.Name, input, inputShape, layer.Height, layer.Width);

    /// <summary>The centre window as a Slice; the input itself when the window is the whole image.</summary>
    public static string Crop(OnnxConversionContext context, string layerName, string input, Shape inputShape, int height, int width)
    {
        int top = (inputShape[1] - height) / 2, left = (inputShape[2] - width) / 2;
        if (inputShape[1] == height && inputShape[2] == width) return input;
        var g = context.Graph;
        return g.Node("Slice", $"{layerName}/Slice", new[]
        {
            input,
            g.Int64Initializer($"{layerName}.starts", top, left),
            g.Int64Initializer($"{layerName}.ends", top + height, left + width),
            g.Int64Initializer($"{layerName}.axes", 2, 3),
        });
    }
}

/// <summary>
/// Resizing → ONNX <c>Resize</c> to the output size (batch and channels taken from the input's shape at run time):
/// bilinear and bicubic with <c>pytorch_half_pixel</c> coordinates (PyTorch's <c>align_corners=False</c>; bicubic with
/// A = −0.75, as PyTorch), nearest as PyTorch's <c>nearest</c> (<c>asymmetric</c>, <c>floor</c>); preceded by the centre
/// crop of <c>cropToAspectRatio</c>.
/// </summary>
internal sealed class ResizingConverter : OnnxLayerConverter<Resizing>
{
    protected override string Convert(OnnxConversionContext context, Resizing layer, nn.Module module, string input, Shape inputShape)
    {
        var g = context.Graph;
        var (cropH, cropW) = layer.CropFor(inputShape);
        string source = CenterCropConverter.Crop(context, layer.Name, input, inputShape, cropH, cropW);
        string shape = g.Node("Shape", $"{layer.Name}/Shape", new[] { source });
        string batchAndChannels = g.Node("Slice", $"{layer.Name}/BatchAndChannels", new[]
        {
            shape, g.Int64Initializer($"{layer.Name}.zero", 0), g.Int64Initializer($"{layer.Name}.two", 2),
        });
        string sizes = g.Node("Concat", $"{layer.Name}/Sizes", new[] { batchAndChannels, g.Int64Initializer($"{layer.Name}.size", layer.Height, layer.Width) }, Int("axis", 0));
        var inputs = new[] { source, "", "", sizes };
        return layer.Interpolation switch
        {
            Interpolation.Nearest => g.Node("Resize", $"{layer.Name}/Resize", inputs,
                String("mode", "nearest"), String("coordinate_transformation_mode", "asymmetric"), String("nearest_mode", "floor")),
            Interpolation.Bicubic => g.Node("Resize", $"{layer.Name}/Resize", inputs,
                String("mode", "cubic"), String("coordinate_transformation_mode", "pytorch_half_pixel"), Float("cubic_coeff_a", -0.75f)),
            _ => g.Node("Resize", $"{layer.Name}/Resize", inputs,
                String("mode", "linear"), String("coordinate_transformation_mode", "pytorch_half_pixel")),
        };
    }
}

/// <summary>RandomCrop → its inference behaviour: the identity when the window is the whole image, else the centre crop.</summary>
internal sealed class RandomCropConverter : OnnxLayerConverter<RandomCrop>
{
    protected override string Convert(OnnxConversionContext context, RandomCrop layer, nn.Module module, string input, Shape inputShape)
        => CenterCropConverter.Crop(context, layer.Name, input, inputShape, layer.Height, layer.Width);
}

/// <summary>Augmentation layers that act in training only (RandomFlip, RandomRotation, RandomTranslation, RandomZoom): the identity, no node.</summary>
internal sealed class TrainingOnlyConverter<TLayer> : OnnxLayerConverter<TLayer> where TLayer : Layer
{
    protected override string Convert(OnnxConversionContext context, TLayer layer, nn.Module module, string input, Shape inputShape) => input;
}
