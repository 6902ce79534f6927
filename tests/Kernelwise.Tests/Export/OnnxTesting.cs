using Kernelwise.Export;
using Kernelwise.Layers;
using Kernelwise.Models;
using Microsoft.ML.OnnxRuntime;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Export;

/// <summary>
/// Export a model, run it in ONNX Runtime (CPU) and compare with Kernelwise's own output in evaluation mode.
/// </summary>
internal static class OnnxTesting
{
    /// <summary>The largest absolute difference allowed between ONNX Runtime and Kernelwise (float32).</summary>
    public const double Tolerance = 1e-4;

    /// <summary>
    /// Builds a model of <paramref name="layers"/> on the CPU with seeded weights, gives normalization layers
    /// non-trivial scales, shifts and running statistics (so the export of each is actually exercised), and switches
    /// it to evaluation mode.
    /// </summary>
    public static Model Build(Shape input, params Layer[] layers)
    {
        var builder = new Sequential(input, "exported");
        foreach (var layer in layers) builder.Add(layer);
        return Build(builder);
    }

    /// <inheritdoc cref="Build(Shape, Layer[])"/>
    public static Model Build(Sequential builder)
    {
        manual_seed(1234);
        var model = builder.Build(ComputeDevice.Cpu);
        using (no_grad())
        {
            foreach (var (name, p) in model.Network.named_parameters())
            {
                if (p.dim() != 1) continue;
                if (name.EndsWith(".weight", StringComparison.Ordinal)) p.uniform_(0.5, 1.5);
                else p.uniform_(-0.5, 0.5);
            }
            foreach (var (name, b) in model.Network.named_buffers())
            {
                if (name.EndsWith("running_mean", StringComparison.Ordinal)) b.uniform_(-0.5, 0.5);
                else if (name.EndsWith("running_var", StringComparison.Ordinal)) b.uniform_(0.5, 2.0);
            }
        }
        model.Network.eval();
        return model;
    }

    /// <summary>
    /// Exports <paramref name="model"/>, runs batches of 1 and 7 random inputs through one ONNX Runtime session (so the
    /// batch dimension is dynamic) and asserts the outputs match the model's (shape and values within <see cref="Tolerance"/>).
    /// </summary>
    public static void AssertMatchesOnnxRuntime(Model model, OnnxExportOptions? options = null)
    {
        options ??= new OnnxExportOptions();
        byte[] bytes = model.ToOnnxBytes(options);
        using var sessionOptions = Options();
        using var session = new InferenceSession(bytes, sessionOptions);
        foreach (int batch in new[] { 1, 7 })
        {
            using var scope = NewDisposeScope();
            var x = randn(model.InputShape.WithBatch(batch));
            Tensor expected;
            using (no_grad())
            {
                expected = model.GraphModule.forward(x);
                if (options.AppendSoftmax && !model.EndsInSoftmax) expected = nn.functional.softmax(expected, 1);
            }
            var (actual, shape) = Run(session, x, options);
            Assert.Equal(expected.shape, shape);
            float[] e = expected.contiguous().data<float>().ToArray();
            double worst = 0;
            int worstAt = 0;
            for (int i = 0; i < e.Length; i++)
            {
                double d = Math.Abs(e[i] - actual[i]);
                if (!(d <= worst)) { worst = d; worstAt = i; }
            }
            Assert.True(worst <= Tolerance,
                $"batch {batch}: largest difference {worst:E3} at flat index {worstAt} (Kernelwise {e[worstAt]}, ONNX Runtime {actual[worstAt]}) exceeds {Tolerance:E0}");
        }
    }

    /// <summary>Builds the model of <paramref name="layers"/> and asserts ONNX Runtime reproduces it.</summary>
    public static void AssertLayersMatch(Shape input, params Layer[] layers)
    {
        using var model = Build(input, layers);
        AssertMatchesOnnxRuntime(model);
    }

    /// <summary>Runs <paramref name="x"/> (CPU float32) through the session; returns the output values and shape.</summary>
    public static (float[] Values, long[] Shape) Run(InferenceSession session, Tensor x, OnnxExportOptions? options = null)
    {
        options ??= new OnnxExportOptions();
        float[] data = x.contiguous().data<float>().ToArray();
        using var input = OrtValue.CreateTensorValueFromMemory(data, x.shape);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, new[] { options.InputName }, new[] { input }, new[] { options.OutputName ?? (options.AppendSoftmax ? "probabilities" : "logits") });
        var output = outputs[0];
        return (output.GetTensorDataAsSpan<float>().ToArray(), output.GetTensorTypeAndShape().Shape);
    }

    /// <summary>Session options for tests: one thread inside an operator (the machine has two cores), all graph optimizations.</summary>
    public static SessionOptions Options() => new() { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
}
