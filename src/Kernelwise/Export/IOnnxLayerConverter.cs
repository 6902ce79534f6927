using Kernelwise.Layers;
using static TorchSharp.torch;

namespace Kernelwise.Export;

/// <summary>
/// Emits the ONNX nodes that compute one kind of layer. Converters are registered by exact layer type in
/// <see cref="OnnxConverterRegistry"/>; supporting a new layer is adding one converter.
/// </summary>
public interface IOnnxLayerConverter
{
    /// <summary>
    /// Appends the nodes computing <paramref name="layer"/> to the graph and returns the name of the value holding its
    /// output (which may be <paramref name="input"/> itself for layers that vanish at inference, such as dropout).
    /// </summary>
    /// <param name="context">The graph under construction and the converters for nested layers.</param>
    /// <param name="layer">The layer's configuration.</param>
    /// <param name="module">The layer's TorchSharp module, holding its trained weights and buffers.</param>
    /// <param name="input">The name of the ONNX value the layer reads, shaped <c>[batch, ...inputShape]</c>.</param>
    /// <param name="inputShape">The layer's input shape without the batch dimension.</param>
    string Convert(OnnxConversionContext context, Layer layer, nn.Module module, string input, Shape inputShape);
}

/// <summary>A converter for layers of type <typeparamref name="TLayer"/>.</summary>
public abstract class OnnxLayerConverter<TLayer> : IOnnxLayerConverter where TLayer : Layer
{
    string IOnnxLayerConverter.Convert(OnnxConversionContext context, Layer layer, nn.Module module, string input, Shape inputShape)
        => Convert(context, (TLayer)layer, module, input, inputShape);

    /// <inheritdoc cref="IOnnxLayerConverter.Convert"/>
    protected abstract string Convert(OnnxConversionContext context, TLayer layer, nn.Module module, string input, Shape inputShape);
}

/// <summary>Converts a merge layer (several inputs, no weights) to ONNX nodes.</summary>
internal interface IOnnxMergeConverter : IOnnxLayerConverter
{
    /// <summary>Adds the nodes merging <paramref name="inputs"/> (ONNX value names, shapes without batch) and returns the result's value name.</summary>
    string ConvertMerge(OnnxConversionContext context, MergeLayer layer, IReadOnlyList<string> inputs, IReadOnlyList<Shape> shapes);
}

/// <summary>Base of merge-layer converters: the single-input form is an error.</summary>
internal abstract class OnnxMergeConverter<TLayer> : IOnnxMergeConverter where TLayer : MergeLayer
{
    string IOnnxLayerConverter.Convert(OnnxConversionContext context, Layer layer, nn.Module module, string input, Shape inputShape)
        => throw new OnnxExportException(layer.Name, $"Layer '{layer.Name}' ({layer.TypeName}) merges several tensors and is only exported inside a graph.");

    string IOnnxMergeConverter.ConvertMerge(OnnxConversionContext context, MergeLayer layer, IReadOnlyList<string> inputs, IReadOnlyList<Shape> shapes)
        => Convert(context, (TLayer)layer, inputs, shapes);

    protected abstract string Convert(OnnxConversionContext context, TLayer layer, IReadOnlyList<string> inputs, IReadOnlyList<Shape> shapes);
}
