using Kernelwise.Models;

namespace Kernelwise.OnnxRuntime;

/// <summary>Creates an <see cref="OnnxPredictor"/> from a Kernelwise model.</summary>
public static class OnnxPredictorExtensions
{
    /// <summary>
    /// Exports <paramref name="model"/> to ONNX in memory and loads it into an ONNX Runtime session: a predictor with the
    /// model's inputs and outputs whose results equal <c>Model.Predict</c>'s (evaluation mode) within float32 rounding.
    /// The weights are copied now; later training does not reach the predictor. Dispose it when done.
    /// </summary>
    /// <param name="model">A built model; only its configuration and weights are read.</param>
    /// <param name="options">Threads, spinning, graph optimizations, export names and the session hook; null for the defaults.</param>
    /// <exception cref="Export.OnnxExportException">A layer has no ONNX converter (a custom layer not registered); the message names it.</exception>
    /// <exception cref="Microsoft.ML.OnnxRuntime.OnnxRuntimeException">ONNX Runtime refused the model or an option set in <see cref="OnnxPredictorOptions.ConfigureSession"/>.</exception>
    /// <example>
    /// <code>
    /// using var predictor = model.ToOnnxPredictor();
    /// using var logits = predictor.Predict(images);          // [N, 10], as model.Predict(images)
    /// float[] one = predictor.Predict(pixels);                // 784 values in, 10 out
    /// </code>
    /// </example>
    public static OnnxPredictor ToOnnxPredictor(this Model model, OnnxPredictorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new OnnxPredictor(model, options ?? new OnnxPredictorOptions());
    }
}
