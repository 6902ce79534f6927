using Kernelwise.Models;

namespace Kernelwise.Export;

/// <summary>
/// Exports a built <see cref="Model"/> to ONNX (opset 17): the graph comes from the model's layers, the trained weights
/// become initializers, and the result runs in ONNX Runtime, TensorRT, OpenVINO, a browser (onnxruntime-web) and the
/// other ONNX consumers. TorchSharp itself cannot export ONNX; Kernelwise can because it knows every layer's configuration.
/// </summary>
/// <remarks>
/// <para>The graph has one float32 input <c>[batch, ...Model.InputShape]</c> (NCHW, named <c>input</c>) and one output
/// <c>[batch, ...Model.OutputShape]</c> (<c>logits</c>, or <c>probabilities</c> with
/// <see cref="OnnxExportOptions.AppendSoftmax"/>); <c>batch</c> is dynamic. It computes what the model computes in
/// evaluation mode: dropout is removed and batch normalization uses its running statistics.</para>
/// <para>Layers are converted by converters registered per layer type. A layer without one (a custom
/// <see cref="Layers.Layer"/> subclass) raises <see cref="OnnxExportException"/> naming it before anything is written.</para>
/// </remarks>
public static class OnnxExport
{
    /// <summary>The ONNX opset version of exported models.</summary>
    public const int OpsetVersion = OnnxExporter.OpsetVersion;

    /// <summary>
    /// Writes <paramref name="model"/> as an ONNX model to <paramref name="path"/>, atomically: the bytes go to a temporary
    /// file in the same folder, flushed to disk, then renamed over <paramref name="path"/>, so a failed export never
    /// leaves a partial file (and leaves an existing file at <paramref name="path"/> untouched).
    /// </summary>
    /// <param name="model">A built model (its weights are read, not changed).</param>
    /// <param name="path">The file to write, conventionally <c>*.onnx</c>; its folder is created if needed.</param>
    /// <param name="options">Names, the optional softmax and a description; null for the defaults.</param>
    /// <exception cref="OnnxExportException">A layer cannot be exported; nothing was written.</exception>
    public static void ExportOnnx(this Model model, string path, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Guard.NotEmpty(path);
        byte[] bytes = ToOnnxBytes(model, options);
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        var tmp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            File.Move(tmp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }

    /// <summary>Writes <paramref name="model"/> as an ONNX model to <paramref name="stream"/> (left open).</summary>
    /// <exception cref="OnnxExportException">A layer cannot be exported; nothing was written to the stream.</exception>
    public static void ExportOnnx(this Model model, Stream stream, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(stream);
        stream.Write(ToOnnxBytes(model, options));
    }

    /// <summary>
    /// Registers the ONNX converter for a layer type of your own (exactly that type), so models holding it export.
    /// Register once, before exporting; a second registration for the same type replaces the first.
    /// </summary>
    /// <typeparam name="TLayer">The layer type.</typeparam>
    /// <param name="converter">Writes the layer's ONNX nodes (see docs/custom-layers.md).</param>
    public static void RegisterConverter<TLayer>(OnnxLayerConverter<TLayer> converter) where TLayer : Layers.Layer
    {
        ArgumentNullException.ThrowIfNull(converter);
        lock (OnnxConverterRegistry.Default) OnnxConverterRegistry.Default.Register(converter);
    }

    /// <summary>The ONNX model of <paramref name="model"/> as bytes (for an in-memory <c>InferenceSession</c>, say).</summary>
    /// <exception cref="OnnxExportException">A layer cannot be exported.</exception>
    public static byte[] ToOnnxBytes(this Model model, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        return OnnxExporter.ToBytes(OnnxExporter.Convert(model, options ?? new OnnxExportOptions(), OnnxConverterRegistry.Default));
    }
}
