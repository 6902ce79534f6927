using static TorchSharp.torch;

namespace Kernelwise.Benchmarks.Suites;

/// <summary>The hardware: float32 matrix-multiply throughput, the ceiling the convnet's training is compared with.</summary>
public sealed class MatmulSuite : IBenchmarkSuite
{
    /// <inheritdoc />
    public string Name => "hardware";

    /// <inheritdoc />
    public string Description => "float32 matrix multiply (2048×2048) throughput with libtorch on this machine's CPU threads.";

    /// <inheritdoc />
    public IEnumerable<BenchmarkResult> Run(BenchmarkContext context)
    {
        int n = context.Quick ? 1024 : 2048;
        using var a = randn(n, n);
        using var b = randn(n, n);
        var ms = Stats.TimeMs(() => { using var c = matmul(a, b); }, context.Repeats, warmup: 3);
        double flops = 2.0 * n * n * n;
        yield return new BenchmarkResult($"matmul {n}²", "GFLOP/s", ms.Select(t => flops / (t / 1000) / 1e9).ToArray(), HigherIsBetter: true);
    }
}
