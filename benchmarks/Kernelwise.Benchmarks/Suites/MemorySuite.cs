using System.Diagnostics;
using System.Globalization;
using Kernelwise.Benchmarks.Workloads;
using Kernelwise.Platform;

namespace Kernelwise.Benchmarks.Suites;

/// <summary>
/// Resident memory over 10 training epochs, Kernelwise against the hand-written loop, each in its own process so that
/// neither sees the other's memory.
/// </summary>
public sealed class MemorySuite : IChildProcessSuite
{
    private const int BatchSize = 128;
    private const int Seed = 42;

    /// <inheritdoc />
    public string Name => "memory";

    /// <inheritdoc />
    public string Description =>
        "Resident set size (VmRSS, read after a full compacting garbage collection) after each of 10 epochs of training the convnet on a Fashion-MNIST subset (5,000 images per epoch; 1,000 and 4 epochs " +
        "with --quick), and the peak (VmHWM), each implementation in a fresh process: Kernelwise Fit and the hand-written loop under Kernelwise's " +
        "default allocator policy, and the hand-written loop under glibc's untouched defaults (KERNELWISE_ALLOCATOR=off), as a plain TorchSharp program runs. " +
        "Flat means: growth from epoch 2 to the last epoch near zero.";

    /// <inheritdoc />
    public IEnumerable<BenchmarkResult> Run(BenchmarkContext context)
    {
        int images = context.Setting("images", context.Quick ? 1000 : 5000);
        int epochs = context.Setting("epochs", context.Quick ? 4 : 10);
        string net = context.Setting("network", "convnet");
        var runs = new (string Label, string Impl, string Policy)[]
        {
            ("Kernelwise", "kernelwise", "default"),
            ("hand-written", "hand", "default"),
            ("hand-written, glibc defaults", "hand", "off"),
        };
        var series = new Dictionary<string, (double[] Rss, double Peak, double SecondsPerEpoch)>();
        foreach (var run in runs)
        {
            var r = ChildProcess.Run(Name, context.Threads, new[] { run.Impl, net, images.ToString(CultureInfo.InvariantCulture), epochs.ToString(CultureInfo.InvariantCulture) },
                new Dictionary<string, string?> { [KernelwiseRuntime.AllocatorVariable] = run.Policy });
            series[run.Label] = (r["rss_mib"].ToArray(), r["peak_mib"].Single(), Stats.Median(r["epoch_s"]));
        }
        foreach (var run in runs)
        {
            var (rss, peak, seconds) = series[run.Label];
            string? baseline = run.Label == "Kernelwise" ? "hand-written" : null;
            string Case(string what) => $"{run.Label}: {what}";
            string? Base(string what) => baseline is null ? null : $"{baseline}: {what}";
            yield return new BenchmarkResult(Case("resident after epoch 1"), "MiB", new[] { rss[0] }, Base("resident after epoch 1"));
            yield return new BenchmarkResult(Case("resident after epoch 2"), "MiB", new[] { rss[1] }, Base("resident after epoch 2"));
            yield return new BenchmarkResult(Case($"resident after epoch {rss.Length}"), "MiB", new[] { rss[^1] }, Base($"resident after epoch {rss.Length}"),
                Note: "per epoch: " + string.Join(", ", rss.Select(v => v.ToString("0", CultureInfo.InvariantCulture))));
            yield return new BenchmarkResult(Case($"growth epoch 2 → {rss.Length}"), "MiB", new[] { rss[^1] - rss[1] },
                Note: $"{(rss[^1] - rss[1]) / rss[1] * 100:+0.0;-0.0}%");
            yield return new BenchmarkResult(Case("peak resident"), "MiB", new[] { peak }, Base("peak resident"), Note: $"{seconds:0.0} s per epoch (median)");
        }
    }

    /// <inheritdoc />
    public void RunChild(IReadOnlyList<string> args, ChildReport report)
    {
        string impl = args[0], net = args[1];
        int images = int.Parse(args[2], CultureInfo.InvariantCulture), epochs = int.Parse(args[3], CultureInfo.InvariantCulture);
        using var subset = FashionMnistData.Train.Take(images);
        Action epoch;
        IDisposable owner;
        if (impl == "kernelwise")
        {
            var model = Networks.BuildKernelwise(net, Seed);
            epoch = () => model.Fit(subset, epochs: 1, batchSize: BatchSize, verbose: 0);
            owner = model;
        }
        else
        {
            var hand = Networks.BuildHandWritten(net, Seed);
            epoch = () => hand.TrainEpoch(subset.Inputs, subset.Targets, BatchSize);
            owner = hand;
        }
        using (owner)
        {
            for (int e = 0; e < epochs; e++)
            {
                var sw = Stopwatch.StartNew();
                epoch();
                report.Add("epoch_s", sw.Elapsed.TotalSeconds);
                double rss = Stats.SettledResidentMiB(); // after a compacting collection: the native picture, not managed garbage
                report.Add("rss_mib", rss);
                Console.Error.WriteLine($"epoch {e + 1}: {rss:0} MiB resident, {sw.Elapsed.TotalSeconds:0.0} s");
            }
            report.Add("peak_mib", Stats.PeakResidentBytes() / 1048576.0);
        }
    }
}
