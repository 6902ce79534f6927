using Kernelwise.Layers;
using static Kernelwise.Export.OnnxGraphBuilder;
using static TorchSharp.torch;

namespace Kernelwise.Export.Converters;

/// <summary>
/// LayerNormalization.
/// <list type="bullet">
/// <item><see cref="NormalizationAxes.Channels"/>: ONNX <c>LayerNormalization</c> (opset 17) over the last axis; for
/// inputs with spatial dimensions the channels are moved last (<c>Transpose</c>) and back.</item>
/// <item><see cref="NormalizationAxes.AllFeatures"/> (a group norm with one group): the sample is reshaped to
/// <c>[batch, 1, features]</c>, normalized by <c>InstanceNormalization</c> (unit scale, zero shift), reshaped back, then
/// scaled and shifted per channel (<c>Mul</c>, <c>Add</c>).</item>
/// </list>
/// </summary>
internal sealed class LayerNormalizationConverter : OnnxLayerConverter<LayerNormalization>
{
    protected override string Convert(OnnxConversionContext context, LayerNormalization layer, nn.Module module, string input, Shape inputShape)
    {
        var g = context.Graph;
        int rank = inputShape.Rank; // without batch
        int c = inputShape.Channels;
        float epsilon = (float)layer.Epsilon;
        if (layer.Axes == NormalizationAxes.Channels)
        {
            string scale = context.WeightInitializer(layer, module, "weight");
            string shift = context.WeightInitializer(layer, module, "bias");
            if (rank == 1)
                return g.Node("LayerNormalization", $"{layer.Name}/LayerNormalization", new[] { input, scale, shift }, Int("axis", -1), Float("epsilon", epsilon));
            // [N, C, *S] → [N, *S, C] → normalize → [N, C, *S].
            var toLast = new[] { 0 }.Concat(Enumerable.Range(2, rank - 1)).Append(1).ToArray();
            var back = new[] { 0, rank }.Concat(Enumerable.Range(1, rank - 1)).ToArray();
            string last = g.Node("Transpose", $"{layer.Name}/ChannelsLast", new[] { input }, Ints("perm", toLast));
            string normalized = g.Node("LayerNormalization", $"{layer.Name}/LayerNormalization", new[] { last, scale, shift }, Int("axis", -1), Float("epsilon", epsilon));
            return g.Node("Transpose", $"{layer.Name}/ChannelsFirst", new[] { normalized }, Ints("perm", back));
        }

        string flat = g.Node("Reshape", $"{layer.Name}/Flatten", new[] { input, g.Int64Initializer($"{layer.Name}.flat_shape", 0, 1, -1) });
        string unitScale = g.Initializer($"{layer.Name}.unit_scale", new[] { 1f }, new long[] { 1 });
        string zeroShift = g.Initializer($"{layer.Name}.zero_shift", new[] { 0f }, new long[] { 1 });
        string norm = g.Node("InstanceNormalization", $"{layer.Name}/InstanceNormalization", new[] { flat, unitScale, zeroShift }, Float("epsilon", epsilon));
        var shape = new long[] { 0 }.Concat(inputShape.ToArray().Select(v => (long)v)).ToArray();
        string restored = g.Node("Reshape", $"{layer.Name}/Restore", new[] { norm, g.Int64Initializer($"{layer.Name}.shape", shape) });
        // Per-channel affine, broadcast as [C, 1, ..., 1] over [N, C, *S].
        var affineShape = new long[] { c }.Concat(Enumerable.Repeat(1L, rank - 1)).ToArray();
        string weight = context.WeightInitializer(layer, module, "weight", affineShape);
        string bias = context.WeightInitializer(layer, module, "bias", affineShape);
        string scaled = g.Node("Mul", $"{layer.Name}/Scale", new[] { restored, weight });
        return g.Node("Add", $"{layer.Name}/Shift", new[] { scaled, bias });
    }
}
