using Kernelwise.Benchmarks.Workloads;
using static TorchSharp.torch;

namespace Kernelwise.Benchmarks.Suites;

/// <summary>
/// The hardware: float32 matrix-multiply throughput, the ceiling the convnet's training is compared with, and the share
/// of it that training the TensorFlow-tutorial convnet with <c>Model.Fit</c> reaches (measured interleaved with the matmul).
/// </summary>
public sealed class MatmulSuite : IBenchmarkSuite
{
    /// <inheritdoc />
    public string Name => "hardware";

    /// <inheritdoc />
    public string Description =>
        "float32 matrix multiply (2048×2048; 1024 with --quick) throughput with libtorch on this machine's CPU threads, and the convnet's training " +
        "throughput in GFLOP/s (Kernelwise Fit, batch 128, Adam) as a fraction of it. Training FLOPs per image = 3 (forward + backward ≈ 2 × forward) " +
        "× 2 FLOPs per multiply-accumulate × the forward MACs per image from Model.Summary().MultiplyAccumulates. Matmul and training alternate.";

    /// <inheritdoc />
    public IEnumerable<BenchmarkResult> Run(BenchmarkContext context)
    {
        int n = context.Quick ? 1024 : 2048;
        int steps = context.Quick ? 5 : 20;
        int repeats = context.RepeatsOr(context.Quick ? 3 : 10);
        using var a = randn(n, n);
        using var b = randn(n, n);
        using var model = Networks.BuildKernelwise("convnet", seed: 42);
        using var subset = FashionMnistData.Train.Take(steps * 128);
        long macs = model.Summary().MultiplyAccumulates;
        double flopsPerImage = 3.0 * 2.0 * macs;
        var ms = Stats.TimeInterleavedMs(new Dictionary<string, Action>
        {
            ["matmul"] = () => { using var c = matmul(a, b); },
            ["train"] = () => model.Fit(subset, epochs: 1, batchSize: 128, verbose: 0),
        }, repeats, warmup: 2);
        double matmulFlops = 2.0 * n * n * n;
        string matmulCase = $"matmul {n}²";
        yield return new BenchmarkResult(matmulCase, "GFLOP/s", ms["matmul"].Select(t => matmulFlops / (t / 1000) / 1e9).ToArray(), HigherIsBetter: true);
        var imagesPerSecond = Stats.PerSecond(ms["train"], steps * 128.0);
        yield return new BenchmarkResult("convnet training (Kernelwise Fit)", "GFLOP/s", imagesPerSecond.Select(r => r * flopsPerImage / 1e9).ToArray(),
            Baseline: matmulCase, HigherIsBetter: true,
            Note: $"{macs / 1e6:0.00} M MACs/image forward → {flopsPerImage / 1e6:0.0} MFLOP/image; ratio = fraction of matmul");
        yield return new BenchmarkResult("convnet training speed (Kernelwise Fit)", "images/s", imagesPerSecond, HigherIsBetter: true);
    }
}
