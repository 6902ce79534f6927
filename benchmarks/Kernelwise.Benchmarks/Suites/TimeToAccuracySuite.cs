using System.Diagnostics;
using Kernelwise.Benchmarks.Workloads;
using Kernelwise.Training;
using Kernelwise;

namespace Kernelwise.Benchmarks.Suites;

/// <summary>
/// Wall time for the two benchmark networks to reach their published Fashion-MNIST test accuracy with <c>Model.Fit</c>,
/// evaluating on the 10,000 test images after every epoch, capped at a number of epochs.
/// </summary>
public sealed class TimeToAccuracySuite : IBenchmarkSuite
{
    private const int Seed = 1;
    private const int BatchSize = 128;

    /// <inheritdoc />
    public string Name => "time-to-accuracy";

    /// <inheritdoc />
    public string Description =>
        "Wall time for Kernelwise Fit (all 60,000 training images, batch 128, Adam 1e-3, shuffled, seed 1) to reach the published test accuracy on the " +
        "10,000 Fashion-MNIST test images: 0.916 for the TensorFlow-tutorial convnet, 0.934 for the batch-norm CNN; test accuracy checked after every " +
        "epoch, at most 15 epochs (--set max-epochs=N; 2 with --quick). Training time excludes the per-epoch evaluation; the total includes it. " +
        "--set schedule=cosine decays the rate by a per-batch half cosine from 1e-3 to 0 over max-epochs (the default is constant).";

    /// <inheritdoc />
    public IEnumerable<BenchmarkResult> Run(BenchmarkContext context)
    {
        int maxEpochs = context.Setting("max-epochs", context.Quick ? 2 : 15);
        var targets = new Dictionary<string, double> { ["convnet"] = 0.916, ["bn_cnn"] = 0.934 };
        var networks = context.Setting("networks", string.Join(',', Networks.Names)).Split(',', StringSplitOptions.RemoveEmptyEntries);
        string schedule = context.Setting("schedule", "constant");
        if (schedule is not ("constant" or "cosine"))
            throw new ArgumentException($"time-to-accuracy: schedule must be 'constant' or 'cosine'; received '{schedule}'.");
        foreach (var net in networks)
        {
            double target = targets[net];
            using var model = Networks.BuildKernelwise(net, Seed);
            var clock = new TargetClock(target, net);
            var callbacks = new List<Callback> { clock };
            long stepsPerEpoch = (FashionMnistData.Train.Count + BatchSize - 1) / BatchSize;
            if (schedule == "cosine")
                callbacks.Add(new LearningRateScheduler(new CosineAnnealing(maxEpochs * stepsPerEpoch, interval: ScheduleInterval.Step)));
            var total = Stopwatch.StartNew();
            model.Fit(FashionMnistData.Train, epochs: maxEpochs, batchSize: BatchSize, validationData: FashionMnistData.Test, seed: Seed,
                callbacks: callbacks, verbose: 0);
            total.Stop();
            var best = clock.Epochs.MaxBy(e => e.Accuracy) ?? throw new InvalidOperationException($"{net}: Fit ran no epoch.");
            var reached = clock.Epochs.FirstOrDefault(e => e.Accuracy >= target);
            string curve = string.Join(", ", clock.Epochs.Select(e => e.Accuracy.ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture)));
            string note = reached is null
                ? $"not reached in {clock.Epochs.Count} epochs; best {best.Accuracy:0.0000} at epoch {best.Epoch}"
                : $"reached {reached.Accuracy:0.0000} at epoch {reached.Epoch}";
            note += schedule == "cosine" ? $"; cosine schedule over {maxEpochs} epochs" : "; constant rate";
            yield return new BenchmarkResult($"{net}: epochs to {target:0.000}", "epochs", new[] { reached?.Epoch ?? double.NaN }, Note: note);
            yield return new BenchmarkResult($"{net}: training time to {target:0.000}", "s", new[] { reached?.TrainingSeconds ?? double.NaN },
                Note: reached is null ? $"{clock.Epochs[^1].TrainingSeconds:0} s for {clock.Epochs.Count} epochs" : null);
            yield return new BenchmarkResult($"{net}: wall time to {target:0.000} incl. evaluation", "s", new[] { reached?.TotalSeconds ?? double.NaN },
                Note: $"whole run {total.Elapsed.TotalSeconds:0} s");
            yield return new BenchmarkResult($"{net}: best test accuracy", "accuracy", new[] { best.Accuracy }, HigherIsBetter: true, Note: $"per epoch: {curve}");
        }
    }

    private sealed record EpochPoint(int Epoch, double Accuracy, double TrainingSeconds, double TotalSeconds);

    /// <summary>Times training and evaluation separately and stops training once the test accuracy reaches the target.</summary>
    private sealed class TargetClock(double target, string name) : Callback
    {
        private readonly Stopwatch _total = new();
        private readonly Stopwatch _evaluation = new();

        public List<EpochPoint> Epochs { get; } = new();

        public override void OnTrainBegin(Logs logs) => _total.Start();

        public override void OnTestBegin(Logs logs) => _evaluation.Start();

        public override void OnTestEnd(Logs logs) => _evaluation.Stop();

        public override void OnEpochEnd(int epoch, Logs logs)
        {
            double accuracy = logs["val_accuracy"];
            double total = _total.Elapsed.TotalSeconds;
            Epochs.Add(new EpochPoint(epoch + 1, accuracy, total - _evaluation.Elapsed.TotalSeconds, total));
            Console.Error.WriteLine($"  {name} epoch {epoch + 1}: test accuracy {accuracy:0.0000}, train loss {logs["loss"]:0.0000}, {total:0} s");
            if (accuracy >= target) Model!.StopTraining = true;
        }
    }
}
