using Kernelwise.Layers;
using static Kernelwise.Export.OnnxGraphBuilder;
using static TorchSharp.torch;

namespace Kernelwise.Export.Converters;

/// <summary>
/// UpSampling2D → ONNX <c>Resize</c> with scales <c>[1, 1, size_h, size_w]</c>: nearest as PyTorch's <c>nearest</c>
/// (<c>asymmetric</c> coordinates, <c>floor</c> rounding), bilinear as PyTorch's <c>align_corners = False</c>
/// (<c>pytorch_half_pixel</c> coordinates).
/// </summary>
internal sealed class UpSampling2DConverter : OnnxLayerConverter<UpSampling2D>
{
    protected override string Convert(OnnxConversionContext context, UpSampling2D layer, nn.Module module, string input, Shape inputShape)
    {
        var g = context.Graph;
        string scales = g.Initializer($"{layer.Name}.scales", new[] { 1f, 1f, layer.Size[0], layer.Size[1] }, new long[] { 4 });
        return layer.Interpolation == UpSamplingInterpolation.Nearest
            ? g.Node("Resize", $"{layer.Name}/Resize", new[] { input, "", scales },
                String("mode", "nearest"), String("coordinate_transformation_mode", "asymmetric"), String("nearest_mode", "floor"))
            : g.Node("Resize", $"{layer.Name}/Resize", new[] { input, "", scales },
                String("mode", "linear"), String("coordinate_transformation_mode", "pytorch_half_pixel"));
    }
}
