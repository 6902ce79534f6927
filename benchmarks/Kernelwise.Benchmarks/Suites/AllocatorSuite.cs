using System.Diagnostics;
using System.Globalization;
using Kernelwise.Benchmarks.Workloads;
using Kernelwise.Platform;

namespace Kernelwise.Benchmarks.Suites;

/// <summary>
/// The allocator policies of <see cref="KernelwiseRuntime"/> (and libtorch's transparent-huge-page switch) measured on
/// training, evaluation and memory — one fresh process per option and round, since the settings are process-wide.
/// </summary>
public sealed class AllocatorSuite : IChildProcessSuite
{
    private const int Seed = 42;

    private static readonly (string Label, string Policy, bool HugePages)[] Options =
    {
        ("off (glibc defaults)", "off", false),
        ("tuned", "tuned", false),
        ("retain", "retain", false),
        ("off + libtorch THP", "off", true),
        ("tuned + libtorch THP", "tuned", true),
    };

    /// <inheritdoc />
    public string Name => "allocator";

    /// <inheritdoc />
    public string Description =>
        "Allocator options on Linux, each in a fresh process (rounds alternate the order): KERNELWISE_ALLOCATOR=off|tuned|retain, with and without libtorch's " +
        "THP_MEM_ALLOC_ENABLE=1 (transparent huge pages for tensors ≥ 2 MiB). Workload: Kernelwise Fit of the convnet, 40 steps of batch 128 after 5 warm-up " +
        "steps (10 with --quick) on the main thread, 10 steps on a thread-pool thread after 10 warm-up steps there, then Evaluate on 5,000 test images (1,000 with --quick) at batch 256. " +
        "Minor page faults are first touches of fresh pages (about 10 µs each on this machine).";

    /// <inheritdoc />
    public IEnumerable<BenchmarkResult> Run(BenchmarkContext context)
    {
        int steps = context.Setting("steps", context.Quick ? 10 : 40);
        int images = context.Setting("images", context.Quick ? 1000 : 5000);
        int rounds = context.RepeatsOr(context.Quick ? 1 : 3);
        string net = context.Setting("network", "convnet");
        var samples = Options.ToDictionary(o => o.Label, _ => new Dictionary<string, List<double>>());
        for (int r = 0; r < rounds; r++)
        {
            var order = r % 2 == 0 ? Options : Options.Reverse().ToArray();
            foreach (var option in order)
            {
                var env = new Dictionary<string, string?>
                {
                    [KernelwiseRuntime.AllocatorVariable] = option.Policy,
                    ["THP_MEM_ALLOC_ENABLE"] = option.HugePages ? "1" : null,
                };
                var result = ChildProcess.Run(Name, context.Threads,
                    new[] { net, steps.ToString(CultureInfo.InvariantCulture), images.ToString(CultureInfo.InvariantCulture) }, env);
                foreach (var (key, values) in result)
                {
                    if (!samples[option.Label].TryGetValue(key, out var list)) samples[option.Label][key] = list = new List<double>();
                    list.AddRange(values);
                }
            }
        }
        string baseline = Options[0].Label;
        foreach (var (metric, unit, higher) in new[]
        {
            ("train_images_s", "images/s", true), ("train_faults_per_step", "faults/step", false), ("worker_faults_per_step", "faults/step", false),
            ("eval_images_s", "images/s", true), ("eval_faults_per_batch", "faults/batch", false),
            ("peak_mib", "MiB", false), ("end_mib", "MiB", false),
        })
        {
            string what = metric switch
            {
                "train_images_s" => "training",
                "train_faults_per_step" => "training page faults",
                "worker_faults_per_step" => "training page faults, worker thread",
                "eval_images_s" => "evaluation",
                "eval_faults_per_batch" => "evaluation page faults",
                "peak_mib" => "peak resident",
                _ => "resident at end",
            };
            foreach (var option in Options)
            {
                yield return new BenchmarkResult($"{what}: {option.Label}", unit, samples[option.Label][metric].ToArray(),
                    Baseline: option.Label == baseline ? null : $"{what}: {baseline}", HigherIsBetter: higher);
            }
        }
    }

    /// <inheritdoc />
    public void RunChild(IReadOnlyList<string> args, ChildReport report)
    {
        string net = args[0];
        int steps = int.Parse(args[1], CultureInfo.InvariantCulture), images = int.Parse(args[2], CultureInfo.InvariantCulture);
        using var warmup = FashionMnistData.Train.Take(5 * 128);
        using var worker = FashionMnistData.Train.Take(10 * 128);
        using var train = FashionMnistData.Train.Take(steps * 128);
        using var test = FashionMnistData.Test.Take(images);
        using var model = Networks.BuildKernelwise(net, Seed);
        model.Fit(warmup, epochs: 1, batchSize: 128, verbose: 0);

        long faults = Stats.MinorPageFaults();
        var sw = Stopwatch.StartNew();
        model.Fit(train, epochs: 1, batchSize: 128, verbose: 0);
        report.Add("train_images_s", steps * 128 / sw.Elapsed.TotalSeconds);
        report.Add("train_faults_per_step", (Stats.MinorPageFaults() - faults) / (double)steps);

        // The same on a thread-pool thread, as in an application that trains off its main thread: glibc gives such
        // threads their own arenas, whose heaps follow other rules (see docs/performance.md).
        Task.Run(() =>
        {
            model.Fit(worker, epochs: 1, batchSize: 128, verbose: 0);
            long poolFaults = Stats.MinorPageFaults();
            model.Fit(worker, epochs: 1, batchSize: 128, verbose: 0);
            report.Add("worker_faults_per_step", (Stats.MinorPageFaults() - poolFaults) / 10.0);
        }).Wait();

        using (var first = FashionMnistData.Test.Take(512)) model.Evaluate(first, 256);
        faults = Stats.MinorPageFaults();
        sw.Restart();
        model.Evaluate(test, 256);
        report.Add("eval_images_s", images / sw.Elapsed.TotalSeconds);
        report.Add("eval_faults_per_batch", (Stats.MinorPageFaults() - faults) / Math.Ceiling(images / 256.0));
        report.Add("peak_mib", Stats.PeakResidentBytes() / 1048576.0);
        report.Add("end_mib", Stats.ResidentBytes() / 1048576.0);
        Console.Error.WriteLine($"{KernelwiseRuntime.AllocatorPolicy}, THP {Environment.GetEnvironmentVariable("THP_MEM_ALLOC_ENABLE") ?? "unset"}: done");
    }
}
