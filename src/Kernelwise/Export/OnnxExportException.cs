namespace Kernelwise.Export;

/// <summary>
/// Thrown when a model cannot be exported to ONNX — a layer without an ONNX converter (a custom <see cref="Layers.Layer"/>
/// subclass, say) or a configuration ONNX cannot express. Raised before anything is written.
/// </summary>
public sealed class OnnxExportException : Exception
{
    /// <summary>Creates the exception for the layer named <paramref name="layerName"/> (null when no single layer is at fault).</summary>
    public OnnxExportException(string? layerName, string message, Exception? innerException = null) : base(message, innerException)
    {
        LayerName = layerName;
    }

    /// <summary>The name of the first layer that could not be exported, or null.</summary>
    public string? LayerName { get; }
}
