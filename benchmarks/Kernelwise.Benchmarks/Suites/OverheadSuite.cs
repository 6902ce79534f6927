using Kernelwise.Benchmarks.Workloads;

namespace Kernelwise.Benchmarks.Suites;

/// <summary>
/// Framework overhead in training: <c>Model.Fit</c> against the hand-written TorchSharp loop of <see cref="HandWrittenLoop"/>,
/// same network, data, batch size, seed, threads and optimizer, interleaved pass by pass so that noise hits both.
/// </summary>
public sealed class OverheadSuite : IBenchmarkSuite
{
    private const int BatchSize = 128;
    private const int Seed = 42;

    /// <inheritdoc />
    public string Name => "overhead";

    /// <inheritdoc />
    public string Description =>
        "Training throughput of Kernelwise Model.Fit vs a hand-written TorchSharp loop (same network, real Fashion-MNIST images, batch 128, " +
        "seed, threads, Adam 1e-3; loss and accuracy read every step by both). Each sample is one pass over a fixed subset (100 steps; 20 with --quick); " +
        "the cases alternate A B C, C B A …, and the paired rows are medians of per-round ratios. A third case runs the hand-written loop over Kernelwise's modules. CPU-time rows compare the process CPU time per pass, which waiting for a core on a shared machine does not inflate. Target: Kernelwise ≥ 0.97 × hand-written.";

    /// <inheritdoc />
    public IEnumerable<BenchmarkResult> Run(BenchmarkContext context)
    {
        int steps = context.Setting("steps", context.Quick ? 20 : 100);
        int repeats = context.RepeatsOr(context.Quick ? 3 : 7);
        foreach (var net in context.Setting("networks", string.Join(',', Networks.Names)).Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            using var subset = FashionMnistData.Train.Take(steps * BatchSize);
            using var model = Networks.BuildKernelwise(net, Seed);
            using var hand = Networks.BuildHandWritten(net, Seed);
            using var kernelwiseNetwork = Networks.BuildKernelwise(net, Seed);
            using var handOverKernelwise = new HandWrittenLoop(kernelwiseNetwork.GraphModule, 1e-3, Seed, ownsNetwork: false);
            bool sameStart = Networks.SameInitialWeights(model.GraphModule, hand.Net);
            Console.Error.WriteLine($"  {net}: {steps} steps per pass, {repeats} rounds, identical initial weights: {sameStart}");
            var t = Stats.TimeInterleavedWithCpu(new Dictionary<string, Action>
            {
                ["kernelwise"] = () => model.Fit(subset, epochs: 1, batchSize: BatchSize, verbose: 0),
                ["hand"] = () => hand.TrainEpoch(subset.Inputs, subset.Targets, BatchSize),
                ["hand-over-kw"] = () => handOverKernelwise.TrainEpoch(subset.Inputs, subset.Targets, BatchSize),
            }, repeats, warmup: 1);
            var ms = t.ToDictionary(p => p.Key, p => p.Value.WallMs);
            var cpu = t.ToDictionary(p => p.Key, p => p.Value.CpuMs);
            double images = steps * BatchSize;
            string kw = $"{net}: Kernelwise Fit", hw = $"{net}: hand-written loop";
            yield return new BenchmarkResult(kw, "images/s", Stats.PerSecond(ms["kernelwise"], images), Baseline: hw, HigherIsBetter: true,
                Note: sameStart ? "same initial weights" : "initial weights differ");
            yield return new BenchmarkResult(hw, "images/s", Stats.PerSecond(ms["hand"], images), HigherIsBetter: true);
            yield return new BenchmarkResult($"{net}: Kernelwise / hand-written (paired rounds)", "ratio", Stats.Ratios(ms["hand"], ms["kernelwise"]),
                HigherIsBetter: true, Note: "target ≥ 0.97");
            yield return new BenchmarkResult($"{net}: hand-written loop over Kernelwise's modules / hand-written (paired)", "ratio",
                Stats.Ratios(ms["hand"], ms["hand-over-kw"]), HigherIsBetter: true, Note: "separates the modules' cost from the loop's");
            yield return new BenchmarkResult($"{net}: Kernelwise / hand-written, CPU time (paired)", "ratio", Stats.Ratios(cpu["hand"], cpu["kernelwise"]),
                HigherIsBetter: true, Note: "hand-written CPU ms / Kernelwise CPU ms per pass; insensitive to waiting for a core");
            yield return new BenchmarkResult($"{net}: hand-written loop over Kernelwise's modules / hand-written, CPU time (paired)", "ratio",
                Stats.Ratios(cpu["hand"], cpu["hand-over-kw"]), HigherIsBetter: true);
        }
    }
}
