using Microsoft.ML.OnnxRuntime;

namespace Kernelwise.Benchmarks.Workloads;

/// <summary>
/// The baseline on ONNX Runtime's side: what a .NET user writes against <c>Microsoft.ML.OnnxRuntime</c> directly for an
/// exported model (docs/onnx.md) — one session, float32 arrays wrapped without copying, <c>Run</c>, the output read
/// back into an array. It measures what Kernelwise's <c>OnnxPredictor</c> adds on top of ONNX Runtime.
/// </summary>
public sealed class HandWrittenOnnxRuntime : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _run = new();
    private readonly string[] _inputs, _outputs;
    private readonly long[] _sampleDims;
    private readonly int _sampleSize, _outputSize;

    /// <summary>Loads <paramref name="onnx"/> (one input, one output) with <paramref name="threads"/> intra-op threads and every graph optimization.</summary>
    public HandWrittenOnnxRuntime(byte[] onnx, Shape input, Shape output, int threads, bool allowSpinning)
    {
        using var options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        if (!allowSpinning) options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        _session = new InferenceSession(onnx, options);
        _inputs = _session.InputNames.ToArray();
        _outputs = _session.OutputNames.ToArray();
        _sampleDims = input.ToArray().Select(d => (long)d).ToArray();
        _sampleSize = (int)input.Elements;
        _outputSize = (int)output.Elements;
    }

    /// <summary>Runs every sample of <paramref name="pixels"/> (N × the input's elements) in one call; returns N × the output's elements.</summary>
    public float[] Predict(float[] pixels)
    {
        int n = pixels.Length / _sampleSize;
        using var input = OrtValue.CreateTensorValueFromMemory(pixels, Shape(n));
        using var outputs = _session.Run(_run, _inputs, new[] { input }, _outputs);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    /// <summary>Runs <paramref name="pixels"/> in batches of <paramref name="batchSize"/>, each batch wrapped in place, the outputs gathered in one array.</summary>
    public float[] Predict(float[] pixels, int batchSize)
    {
        int n = pixels.Length / _sampleSize;
        var result = new float[n * _outputSize];
        for (int start = 0; start < n; start += batchSize)
        {
            int size = Math.Min(batchSize, n - start);
            using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, pixels.AsMemory(start * _sampleSize, size * _sampleSize), Shape(size));
            using var outputs = _session.Run(_run, _inputs, new[] { input }, _outputs);
            outputs[0].GetTensorDataAsSpan<float>().CopyTo(result.AsSpan(start * _outputSize));
        }
        return result;
    }

    private long[] Shape(long n)
    {
        var shape = new long[_sampleDims.Length + 1];
        shape[0] = n;
        _sampleDims.CopyTo(shape, 1);
        return shape;
    }

    /// <summary>Releases the session.</summary>
    public void Dispose()
    {
        _run.Dispose();
        _session.Dispose();
    }
}
