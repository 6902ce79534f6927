namespace Kernelwise;

/// <summary>
/// Thrown when a model is built and a layer cannot accept the shape it receives: the message names the layer,
/// the input shape and the arithmetic that failed, e.g.
/// <c>Layer 'conv2d_1' (Conv2D) cannot accept input (None, 1, 3, 3): kernel 5 is larger than the padded input 3 (3 + 0 + 0) in dimension height.</c>
/// </summary>
public sealed class ModelBuildException : InvalidOperationException
{
    /// <summary>Creates the exception for <paramref name="layerName"/>.</summary>
    public ModelBuildException(string layerName, string message) : base(message) => LayerName = layerName;

    /// <summary>The name of the layer that failed.</summary>
    public string LayerName { get; }
}
