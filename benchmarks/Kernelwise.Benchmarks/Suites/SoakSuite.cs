using System.Diagnostics;
using System.Globalization;
using Kernelwise.Training;
using Kernelwise.Data;
using Kernelwise.Layers;
using Kernelwise;
using Kernelwise.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Kernelwise.Benchmarks.Suites;

/// <summary>
/// Soak run: 20 epochs of a small batch-norm convnet on Fashion-MNIST with the full callback stack (schedule, early
/// stopping with best-weight copies, per-epoch training checkpoints, CSV log), recording resident memory and live
/// tensors after every epoch. The target: resident memory flat after the second epoch (growth under 3%).
/// </summary>
public sealed class SoakSuite : IBenchmarkSuite
{
    /// <inheritdoc />
    public string Name => "soak";

    /// <inheritdoc />
    public string Description => "20 epochs of a small BN convnet (Fashion-MNIST subset, Adam, cosine schedule, early stopping, checkpoint every epoch): resident memory and live tensors per epoch; target: growth under 3% from epoch 2 to 20.";

    private sealed class MemoryProbe : Callback
    {
        private readonly Stopwatch _clock = new();

        public List<double> ResidentMb { get; } = new();

        public List<long> LiveTensors { get; } = new();

        public List<double> EpochSeconds { get; } = new();

        public override void OnEpochBegin(int epoch, Logs logs) => _clock.Restart();

        public override void OnEpochEnd(int epoch, Logs logs)
        {
            EpochSeconds.Add(_clock.Elapsed.TotalSeconds);
            ResidentMb.Add(Stats.SettledResidentMiB());
            LiveTensors.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount);
            Console.Error.WriteLine($"  epoch {epoch + 1}: {EpochSeconds[^1]:0.0} s, resident {ResidentMb[^1]:0.0} MB, live tensors {LiveTensors[^1]}, loss {logs["loss"]:0.0000}, val_accuracy {logs["val_accuracy"]:0.0000}");
        }
    }

    /// <inheritdoc />
    public IEnumerable<BenchmarkResult> Run(BenchmarkContext context)
    {
        const int epochs = 20;
        int trainCount = context.Quick ? 2_000 : 10_000;
        using var splits = FashionMnist.Load();
        using var train = splits.Train.Take(trainCount);
        using var test = splits.Test.Take(2_000);
        manual_seed(1);
        using var model = new Sequential(new Shape(1, 28, 28), "soak")
            .Conv2D(16, 3, padding: Padding.Same, useBias: false).BatchNormalization().ReLU().MaxPooling2D(2)
            .Conv2D(32, 3, padding: Padding.Same, useBias: false).BatchNormalization().ReLU().MaxPooling2D(2)
            .Flatten().Dropout(0.2).Dense(10)
            .Build(ComputeDevice.Cpu)
            .Compile(new Adam(2e-3) { ClipNorm = 5 }, new CrossEntropy(), new Accuracy(), new F1Score());
        var dir = Directory.CreateTempSubdirectory("kw-soak-");
        var probe = new MemoryProbe();
        double beforeTraining = Stats.SettledResidentMiB();
        try
        {
            var callbacks = new Callback[]
            {
                new LearningRateScheduler(new CosineAnnealing(epochs, warmupSteps: 1)),
                new EarlyStopping("val_loss", patience: epochs, restoreBestWeights: true),
                new ModelCheckpoint(Path.Combine(dir.FullName, "last.kwckpt")),
                new CsvLogger(Path.Combine(dir.FullName, "log.csv")),
                probe,
            };
            model.Fit(train, epochs: epochs, batchSize: 64, validationData: test, seed: 1, callbacks: callbacks, verbose: 0);
        }
        finally
        {
            dir.Delete(true);
        }
        // "After the second epoch": growth of resident memory from the end of epoch 2 to the end of epoch 20, and the
        // largest value at any later epoch relative to epoch 2.
        double baseline = probe.ResidentMb[1];
        double growth = (probe.ResidentMb[^1] - baseline) / baseline * 100;
        double peakGrowth = (probe.ResidentMb.Skip(1).Max() - baseline) / baseline * 100;
        string perEpoch = string.Join(" ", probe.ResidentMb.Select(v => v.ToString("0", CultureInfo.InvariantCulture)));
        string live = string.Join(" ", probe.LiveTensors.Distinct().Select(v => v.ToString(CultureInfo.InvariantCulture)));
        yield return new BenchmarkResult("resident memory per epoch", "MB", probe.ResidentMb.ToArray(), Note: $"before training {beforeTraining:0}; epochs 1–20: {perEpoch}");
        yield return new BenchmarkResult("growth epoch 2 → 20", "%", new[] { growth }, Note: $"{(Math.Max(growth, peakGrowth) < 3 ? "within" : "ABOVE")} the 3% target; largest value at epochs 3–20 is {peakGrowth:+0.00;-0.00}% over epoch 2");
        yield return new BenchmarkResult("live tensors after each epoch", "tensors", probe.LiveTensors.Select(v => (double)v).ToArray(), Note: $"distinct values: {live}");
        yield return new BenchmarkResult("epoch time", "s", probe.EpochSeconds.ToArray(), Note: $"{trainCount} training + 2,000 validation images per epoch");
    }
}
