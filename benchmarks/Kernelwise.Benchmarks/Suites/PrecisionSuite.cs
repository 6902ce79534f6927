using Kernelwise.Benchmarks.Workloads;
using Kernelwise.Models;

namespace Kernelwise.Benchmarks.Suites;

/// <summary>
/// Training throughput of <c>Model.Fit</c> under each precision policy — float32, mixed bfloat16, mixed float16 — on the
/// same network, data, weights and threads, interleaved pass by pass, with the CPU's 16-bit arithmetic features named.
/// </summary>
public sealed class PrecisionSuite : IBenchmarkSuite
{
    private const int BatchSize = 128;
    private const int Seed = 42;

    /// <inheritdoc />
    public string Name => "precision";

    /// <inheritdoc />
    public string Description =>
        "Training throughput of Kernelwise Model.Fit in float32, mixed-bfloat16 and mixed-float16 (same network, real Fashion-MNIST images, batch 128, " +
        "Adam 1e-3, seed, threads). Each sample is one pass over a fixed subset (50 steps; 10 with --quick); the policies alternate A B C, C B A …, and " +
        "the ratio rows are medians of per-round ratios against float32 (above 1: faster). CPU-time ratios as well. The CPU's bfloat16 and float16 " +
        "instruction sets (from /proc/cpuinfo) are printed with the results.";

    /// <inheritdoc />
    public IEnumerable<BenchmarkResult> Run(BenchmarkContext context)
    {
        int steps = context.Setting("steps", context.Quick ? 10 : 50);
        int repeats = context.RepeatsOr(context.Quick ? 3 : 5);
        string features = CpuFeatures();
        Console.Error.WriteLine($"  precision: CPU 16-bit features: {features}");
        var policies = new[] { PrecisionPolicy.Float32, PrecisionPolicy.MixedBFloat16, PrecisionPolicy.MixedFloat16 };
        foreach (var net in context.Setting("networks", string.Join(',', Networks.Names)).Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            using var subset = FashionMnistData.Train.Take(steps * BatchSize);
            var models = policies.ToDictionary(p => p.ToString(), p =>
            {
                var m = Networks.BuildKernelwise(net, Seed);
                m.PrecisionPolicy = p;
                return m;
            });
            try
            {
                var t = Stats.TimeInterleavedWithCpu(
                    models.ToDictionary(p => p.Key, p => (Action)(() => p.Value.Fit(subset, epochs: 1, batchSize: BatchSize, verbose: 0))),
                    repeats, warmup: 1);
                double images = steps * BatchSize;
                string baseline = PrecisionPolicy.Float32.ToString();
                foreach (var policy in models.Keys)
                {
                    yield return new BenchmarkResult($"{net}: Fit in {policy}", "images/s", Stats.PerSecond(t[policy].WallMs, images), HigherIsBetter: true,
                        Note: policy == baseline ? $"CPU 16-bit features: {features}" : null);
                }
                foreach (var policy in models.Keys.Where(k => k != baseline))
                {
                    yield return new BenchmarkResult($"{net}: {policy} / float32 speed (paired)", "ratio", Stats.Ratios(t[baseline].WallMs, t[policy].WallMs),
                        HigherIsBetter: true);
                    yield return new BenchmarkResult($"{net}: {policy} / float32 speed, CPU time (paired)", "ratio", Stats.Ratios(t[baseline].CpuMs, t[policy].CpuMs),
                        HigherIsBetter: true);
                }
            }
            finally
            {
                foreach (var m in models.Values) m.Dispose();
            }
        }
    }

    /// <summary>The 16-bit arithmetic flags of the first CPU in /proc/cpuinfo (avx512_bf16, avx512_fp16, amx_bf16, amx_fp16, f16c), or "unknown".</summary>
    private static string CpuFeatures()
    {
        try
        {
            string? flags = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal));
            if (flags is null) return "unknown";
            var present = flags[(flags.IndexOf(':') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
            string[] wanted = { "avx512_bf16", "avx512_fp16", "amx_bf16", "amx_fp16", "amx_tile", "f16c", "avx512f" };
            var have = wanted.Where(present.Contains).ToList();
            var lack = wanted.Where(w => !present.Contains(w)).ToList();
            return $"has {(have.Count > 0 ? string.Join(' ', have) : "none")}; lacks {(lack.Count > 0 ? string.Join(' ', lack) : "none")}";
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
