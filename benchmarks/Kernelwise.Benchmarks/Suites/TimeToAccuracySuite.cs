using System.Diagnostics;
using System.Globalization;
using Kernelwise.Benchmarks.Workloads;
using Kernelwise.Data;
using Kernelwise.Models;
using Kernelwise.Training;
using Kernelwise.Zoo;
using Kernelwise;
using static TorchSharp.torch;

namespace Kernelwise.Benchmarks.Suites;

/// <summary>
/// Wall time for the two benchmark networks to reach their published Fashion-MNIST test accuracy with <c>Model.Fit</c>,
/// and for Kernelwise's recipe (<see cref="ModelZoo.SmallResNet"/> with one-cycle SGD, augmentation and label smoothing)
/// to reach 0.94, evaluating on the 10,000 test images after every epoch; the curves of test accuracy against training
/// seconds are drawn to a PNG next to the results.
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
        "--set schedule=cosine decays the rate by a per-batch half cosine from 1e-3 to 0 over max-epochs (the default is constant). " +
        "small_resnet runs the recipe instead: ModelZoo.SmallResNet (recipe-width 48), SGD (Nesterov momentum 0.9, weight decay 5e-4) under a per-batch " +
        "one-cycle schedule peaking at 0.2 over recipe-epochs (14), random horizontal flips (recipe-augment: flip, crop-flip or none), cross-entropy with " +
        "label smoothing 0.1, recipe-precision mixed-bfloat16; target 0.94; the test accuracy with flip test-time augmentation is reported too. " +
        "--set plot=FILE.png draws test accuracy against training seconds (default: next to the results).";

    /// <inheritdoc />
    public IEnumerable<BenchmarkResult> Run(BenchmarkContext context)
    {
        int maxEpochs = context.Setting("max-epochs", context.Quick ? 2 : 15);
        var targets = new Dictionary<string, double> { ["convnet"] = 0.916, ["bn_cnn"] = 0.934, [Recipe] = 0.94 };
        var networks = context.Setting("networks", string.Join(',', Networks.Names.Append(Recipe))).Split(',', StringSplitOptions.RemoveEmptyEntries);
        int recipeEpochs = context.Setting("recipe-epochs", context.Quick ? 2 : 14);
        int recipeWidth = context.Setting("recipe-width", 48);
        var recipePrecision = PrecisionPolicy.Parse(context.Setting("recipe-precision", "mixed-bfloat16"));
        string recipeAugment = context.Setting("recipe-augment", "flip");
        if (recipeAugment is not ("crop-flip" or "flip" or "none"))
            throw new ArgumentException($"time-to-accuracy: recipe-augment must be 'crop-flip', 'flip' or 'none'; received '{recipeAugment}'.");
        string plotPath = context.Setting("plot", Path.Combine(BenchmarkPaths.ResultsDirectory, $"{DateTime.UtcNow:yyyy-MM-dd-HHmm}-time-to-accuracy.png"));
        var curves = new List<(string Name, double Target, List<EpochPoint> Epochs)>();
        string schedule = context.Setting("schedule", "constant");
        if (schedule is not ("constant" or "cosine"))
            throw new ArgumentException($"time-to-accuracy: schedule must be 'constant' or 'cosine'; received '{schedule}'.");
        foreach (var net in networks)
        {
            if (!targets.TryGetValue(net, out double target))
                throw new ArgumentException($"time-to-accuracy: unknown network '{net}'. Expected one of: {string.Join(", ", targets.Keys)}.");
            bool recipe = net == Recipe;
            int epochs = recipe ? recipeEpochs : maxEpochs;
            using var model = recipe ? BuildRecipe(Seed, recipeWidth) : Networks.BuildKernelwise(net, Seed);
            if (recipe) model.PrecisionPolicy = recipePrecision;
            var clock = new TargetClock(target, net, stopAtTarget: !recipe);
            var callbacks = new List<Callback> { clock };
            long stepsPerEpoch = (FashionMnistData.Train.Count + BatchSize - 1) / BatchSize;
            if (recipe)
                callbacks.Add(new LearningRateScheduler(new OneCycle(epochs * stepsPerEpoch, maxRate: 0.2)));
            else if (schedule == "cosine")
                callbacks.Add(new LearningRateScheduler(new CosineAnnealing(maxEpochs * stepsPerEpoch, interval: ScheduleInterval.Step)));
            Dataset train = !recipe || recipeAugment == "none" ? FashionMnistData.Train
                : recipeAugment == "flip" ? FashionMnistData.Train.WithTransform(new TransformPipeline().RandomHorizontalFlip())
                : FashionMnistData.Train.WithTransform(new TransformPipeline().RandomCrop(28, padding: 2).RandomHorizontalFlip());
            var total = Stopwatch.StartNew();
            model.Fit(train, epochs: epochs, batchSize: BatchSize, validationData: FashionMnistData.Test, validationBatchSize: 500, seed: Seed,
                callbacks: callbacks, verbose: 0);
            total.Stop();
            curves.Add((net, target, clock.Epochs));
            if (recipe)
            {
                // Test-time augmentation: the mean of the class probabilities for each test image and its mirror image.
                double plain = clock.Epochs[^1].Accuracy, flipped = FlipTestTimeAccuracy(model, FashionMnistData.Test);
                yield return new BenchmarkResult($"{net}: test accuracy with flip test-time augmentation", "accuracy", new[] { flipped }, HigherIsBetter: true,
                    Note: $"mean of the probabilities for each image and its mirror image; without: {plain:0.0000}");
            }
            var best = clock.Epochs.MaxBy(e => e.Accuracy) ?? throw new InvalidOperationException($"{net}: Fit ran no epoch.");
            var reached = clock.Epochs.FirstOrDefault(e => e.Accuracy >= target);
            string curve = string.Join(", ", clock.Epochs.Select(e => e.Accuracy.ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture)));
            string note = reached is null
                ? $"not reached in {clock.Epochs.Count} epochs; best {best.Accuracy:0.0000} at epoch {best.Epoch}"
                : $"reached {reached.Accuracy:0.0000} at epoch {reached.Epoch}";
            note += recipe ? $"; recipe: width {recipeWidth}, {recipePrecision}, one-cycle over {epochs} epochs, augmentation {recipeAugment}, label smoothing"
                : schedule == "cosine" ? $"; cosine schedule over {maxEpochs} epochs" : "; constant rate";
            yield return new BenchmarkResult($"{net}: epochs to {target:0.000}", "epochs", new[] { reached?.Epoch ?? double.NaN }, Note: note);
            yield return new BenchmarkResult($"{net}: training time to {target:0.000}", "s", new[] { reached?.TrainingSeconds ?? double.NaN },
                Note: reached is null ? $"{clock.Epochs[^1].TrainingSeconds:0} s for {clock.Epochs.Count} epochs" : null);
            yield return new BenchmarkResult($"{net}: wall time to {target:0.000} incl. evaluation", "s", new[] { reached?.TotalSeconds ?? double.NaN },
                Note: $"whole run {total.Elapsed.TotalSeconds:0} s");
            string seconds = string.Join(", ", clock.Epochs.Select(e => e.TrainingSeconds.ToString("0", CultureInfo.InvariantCulture)));
            yield return new BenchmarkResult($"{net}: best test accuracy", "accuracy", new[] { best.Accuracy }, HigherIsBetter: true,
                Note: $"per epoch: {curve}; training seconds at each epoch's end: {seconds}");
        }
        if (curves.Count > 0)
        {
            DrawCurves(plotPath, curves);
            Console.Error.WriteLine($"  time-to-accuracy: curves drawn to {plotPath}");
        }
    }

    /// <summary>Test accuracy of <paramref name="model"/> with the probabilities of each image and its horizontal mirror averaged.</summary>
    public static double FlipTestTimeAccuracy(Model model, TensorDataset test)
    {
        using var scope = NewDisposeScope();
        return model.PredictProbabilitiesWithFlips(test.Inputs, 500).argmax(1).eq(test.Targets).to_type(ScalarType.Float64).mean().item<double>();
    }

    /// <summary>The network of the recipe.</summary>
    public const string Recipe = "small_resnet";

    /// <summary>
    /// Seeds libtorch and builds the recipe's model: <see cref="ModelZoo.SmallResNet"/> (width 48) with SGD (Nesterov
    /// momentum 0.9, weight decay 5e-4; the rate comes from the one-cycle schedule) and cross-entropy with label smoothing 0.1.
    /// </summary>
    public static Model BuildRecipe(int seed, int width = 48)
    {
        manual_seed(seed);
        return ModelZoo.SmallResNet(width: width).Build(ComputeDevice.Cpu)
            .Compile(new SGD(0.2, momentum: 0.9, nesterov: true, weightDecay: 5e-4), new CrossEntropy(labelSmoothing: 0.1), new Accuracy());
    }

    private static void DrawCurves(string path, List<(string Name, double Target, List<EpochPoint> Epochs)> curves)
    {
        var plot = new ScottPlot.Plot();
        var palette = new ScottPlot.Palettes.Category10();
        for (int i = 0; i < curves.Count; i++)
        {
            var (name, target, epochs) = curves[i];
            var color = palette.GetColor(i);
            var line = plot.Add.Scatter(epochs.Select(e => e.TrainingSeconds).ToArray(), epochs.Select(e => e.Accuracy).ToArray(), color);
            line.LegendText = name == Recipe ? $"{name} (recipe), target {target:0.000}" : $"{name} (Adam 1e-3), target {target:0.000}";
            plot.Add.HorizontalLine(target, 1, color, ScottPlot.LinePattern.Dotted);
        }
        plot.Axes.SetLimitsY(0.85, 0.96);
        plot.Axes.SetLimitsX(0, curves.Max(c => c.Epochs.Count == 0 ? 1 : c.Epochs[^1].TrainingSeconds) * 1.05);
        plot.XLabel("training seconds on this machine (evaluation excluded)");
        plot.YLabel("Fashion-MNIST test accuracy (10,000 images)");
        plot.Title("Time to accuracy, Kernelwise Fit");
        plot.ShowLegend(ScottPlot.Alignment.LowerRight);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        plot.SavePng(path, 900, 520);
    }

    private sealed record EpochPoint(int Epoch, double Accuracy, double TrainingSeconds, double TotalSeconds);

    /// <summary>Times training and evaluation separately and stops training once the test accuracy reaches the target.</summary>
    private sealed class TargetClock(double target, string name, bool stopAtTarget) : Callback
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
            if (stopAtTarget && accuracy >= target) Model!.StopTraining = true;
        }
    }
}
