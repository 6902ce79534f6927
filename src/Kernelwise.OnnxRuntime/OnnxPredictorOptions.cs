using Kernelwise.Export;
using Microsoft.ML.OnnxRuntime;

namespace Kernelwise.OnnxRuntime;

/// <summary>
/// Options of <see cref="OnnxPredictorExtensions.ToOnnxPredictor"/>: how the model is exported and how ONNX Runtime's
/// session runs it.
/// </summary>
/// <remarks>
/// The defaults give a session that uses as many threads as libtorch does in this process
/// (<c>torch.get_num_threads()</c>), every graph optimization, and ONNX Runtime's CPU provider. Anything else ONNX Runtime
/// offers (another execution provider, profiling, a saved optimized model) goes through <see cref="ConfigureSession"/>.
/// </remarks>
public sealed record OnnxPredictorOptions
{
    /// <summary>
    /// Threads ONNX Runtime may use inside one operator (its intra-op thread pool, the caller's thread included).
    /// Null (the default) takes libtorch's thread count in this process when the predictor is created, so replacing
    /// <c>Model.Predict</c> by the predictor changes the engine, not the number of cores it uses.
    /// </summary>
    public int? IntraOpThreads { get; init; }

    /// <summary>
    /// Whether ONNX Runtime's idle pool threads spin for a while before sleeping (its default, true). Spinning shortens
    /// the wake-up of the next operator — it helps small batches — and costs CPU time that other work on the machine
    /// could use; false makes idle threads sleep at once (ONNX Runtime's <c>session.intra_op.allow_spinning = 0</c>).
    /// </summary>
    public bool AllowSpinning { get; init; } = true;

    /// <summary>How far ONNX Runtime rewrites the graph before running it (fusing convolutions with activations, say). Default: all optimizations.</summary>
    public GraphOptimizationLevel OptimizationLevel { get; init; } = GraphOptimizationLevel.ORT_ENABLE_ALL;

    /// <summary>
    /// How the model is exported (names, an appended softmax for probabilities); null for the defaults, which give the
    /// same outputs as <c>Model.Predict</c> (logits for a classifier without a softmax).
    /// </summary>
    public OnnxExportOptions? Export { get; init; }

    /// <summary>
    /// Called with the session options after Kernelwise has set its own, before the session is created: the place to
    /// add an execution provider (<c>AppendExecutionProvider_CUDA</c> with the GPU package of ONNX Runtime, OpenVINO,
    /// DirectML), to switch on profiling, or to override any option above. The predictor still reads and writes
    /// CPU memory.
    /// </summary>
    public Action<SessionOptions>? ConfigureSession { get; init; }

    internal void Validate()
    {
        if (IntraOpThreads is < 1)
        {
            throw new ArgumentException(
                $"Invalid value for argument IntraOpThreads of OnnxPredictorOptions. Expected a positive number of threads, or null for libtorch's thread count. Received IntraOpThreads={IntraOpThreads}.",
                "options");
        }
    }
}
