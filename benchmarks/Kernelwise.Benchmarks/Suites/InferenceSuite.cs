using Kernelwise.Benchmarks.Workloads;

namespace Kernelwise.Benchmarks.Suites;

/// <summary>Evaluation and prediction throughput: <c>Model.Evaluate</c> and <c>Model.Predict</c> against hand-written loops.</summary>
public sealed class InferenceSuite : IBenchmarkSuite
{
    private const int BatchSize = 256;
    private const int Seed = 42;

    /// <inheritdoc />
    public string Name => "inference";

    /// <inheritdoc />
    public string Description =>
        "Evaluation (loss + accuracy) and prediction (logits of every image) throughput on the Fashion-MNIST test images (10,000; 2,000 with --quick), " +
        "batch 256, Kernelwise Model.Evaluate / Model.Predict(Tensor) vs hand-written no-grad loops over the same network, interleaved A B B A …; CPU-time rows compare process CPU time per pass.";

    /// <inheritdoc />
    public IEnumerable<BenchmarkResult> Run(BenchmarkContext context)
    {
        int count = context.Setting("images", context.Quick ? 2000 : 10000);
        int repeats = context.RepeatsOr(context.Quick ? 3 : 7);
        using var test = FashionMnistData.Test.Take(count);
        foreach (var net in context.Setting("networks", string.Join(',', Networks.Names)).Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            using var model = Networks.BuildKernelwise(net, Seed);
            using var hand = Networks.BuildHandWritten(net, Seed);
            var t = Stats.TimeInterleavedWithCpu(new Dictionary<string, Action>
            {
                ["kw-eval"] = () => model.Evaluate(test, BatchSize),
                ["hand-eval"] = () => hand.Evaluate(test.Inputs, test.Targets, BatchSize),
                ["kw-predict"] = () => { using var p = model.Predict(test.Inputs, BatchSize); },
                ["hand-predict"] = () => { using var p = hand.Predict(test.Inputs, BatchSize); },
            }, repeats, warmup: 1);
            var ms = t.ToDictionary(p => p.Key, p => p.Value.WallMs);
            var cpu = t.ToDictionary(p => p.Key, p => p.Value.CpuMs);
            foreach (var (kind, kw, hw) in new[] { ("Evaluate", "kw-eval", "hand-eval"), ("Predict", "kw-predict", "hand-predict") })
            {
                string kwCase = $"{net}: Kernelwise {kind}", hwCase = $"{net}: hand-written {kind.ToLowerInvariant()}";
                yield return new BenchmarkResult(kwCase, "images/s", Stats.PerSecond(ms[kw], count), Baseline: hwCase, HigherIsBetter: true);
                yield return new BenchmarkResult(hwCase, "images/s", Stats.PerSecond(ms[hw], count), HigherIsBetter: true);
                yield return new BenchmarkResult($"{net}: {kind} Kernelwise / hand-written (paired rounds)", "ratio", Stats.Ratios(ms[hw], ms[kw]), HigherIsBetter: true);
                yield return new BenchmarkResult($"{net}: {kind} Kernelwise / hand-written, CPU time (paired)", "ratio", Stats.Ratios(cpu[hw], cpu[kw]), HigherIsBetter: true);
            }
        }
    }
}
