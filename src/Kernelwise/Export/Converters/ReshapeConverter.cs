using Kernelwise.Layers;
using static TorchSharp.torch;

namespace Kernelwise.Export.Converters;

/// <summary>
/// Reshape → ONNX <c>Reshape</c> to <c>[0, ...target]</c> with the inferred (−1) size resolved at export time; the
/// leading 0 copies the batch dimension, which keeps it dynamic.
/// </summary>
internal sealed class ReshapeConverter : OnnxLayerConverter<Reshape>
{
    protected override string Convert(OnnxConversionContext context, Reshape layer, nn.Module module, string input, Shape inputShape)
    {
        var output = layer.ComputeOutputShape(inputShape);
        var shape = new long[] { 0 }.Concat(output.ToArray().Select(v => (long)v)).ToArray();
        return context.Graph.Node("Reshape", $"{layer.Name}/Reshape", new[] { input, context.Graph.Int64Initializer($"{layer.Name}.shape", shape) });
    }
}
