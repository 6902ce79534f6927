using Kernelwise.Training;
using Kernelwise.Formats;
using Kernelwise.Data;
using Kernelwise;
using Kernelwise.Layers;
using Kernelwise.Models;
using static Kernelwise.Tests.TrainingHelpers;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Training.Callbacks;

/// <summary>Callbacks' effects on a tiny real model.</summary>
public sealed class CallbackTests : IDisposable
{
    private readonly string _dir = TempDir("kw-callbacks-");

    public void Dispose() => Directory.Delete(_dir, true);

    private static Model Compiled(int seed = 1)
    {
        manual_seed(seed);
        return NoisyNet().Build(ComputeDevice.Cpu).Compile(new Adam(0.01), new CrossEntropy(), new Accuracy());
    }

    /// <summary>Replaces val_loss with a scripted sequence, so improvements are known in advance.</summary>
    private static LambdaCallback Script(params double[] valLoss)
        => new(onEpochEnd: (epoch, logs) => logs["val_loss"] = valLoss[epoch]);

    private static LambdaCallback Snapshots(Model model, List<Tensor> into)
        => new(onEpochEnd: (_, _) => into.Add(Weights(model)));

    [Fact]
    public void Should_StopAfterPatienceAndRestoreTheBestEpoch_When_EarlyStopping()
    {
        using var data = SyntheticData.Blocks(32, seed: 51);
        using var model = Compiled();
        var snapshots = new List<Tensor>();
        var early = new EarlyStopping(patience: 2, restoreBestWeights: true);
        var history = model.Fit(data, epochs: 10, batchSize: 16, validationData: data,
            callbacks: new Callback[] { Script(1.0, 0.8, 0.9, 0.85, 0.7, 0.6), Snapshots(model, snapshots), early }, verbose: 0);
        Assert.Equal(new[] { 0, 1, 2, 3 }, history.Epochs); // epochs 2 and 3 did not improve on 0.8
        Assert.Equal(3, early.StoppedEpoch);
        Assert.Equal(1, early.BestEpoch);
        using var final = Weights(model);
        Assert.True(BitIdentical(snapshots[1], final), "the weights of the best epoch were not restored");
        foreach (var s in snapshots) s.Dispose();
    }

    [Fact]
    public void Should_RequireAnImprovementLargerThanMinDelta_When_EarlyStoppingInMaxMode()
    {
        using var data = SyntheticData.Blocks(16, seed: 52);
        using var model = Compiled();
        var early = new EarlyStopping(monitor: "val_acc_scripted", minDelta: 0.05, patience: 1);
        var script = new LambdaCallback(onEpochEnd: (e, logs) => logs["val_acc_scripted"] = new[] { 0.5, 0.6, 0.63, 0.9 }[e]);
        var history = model.Fit(data, epochs: 4, batchSize: 16, callbacks: new Callback[] { script, early }, verbose: 0);
        Assert.Equal(3, history.Epochs.Count); // 0.63 is not 0.05 better than 0.6: stop after epoch 2
        Assert.Equal(2, early.StoppedEpoch);
    }

    [Fact]
    public void Should_SaveOnlyImprovementsUnderFormattedNames_When_ModelCheckpointSavesBestOnly()
    {
        using var data = SyntheticData.Blocks(32, seed: 53);
        using var model = Compiled();
        string pattern = Path.Combine(_dir, "ckpt-{epoch:02}-{val_loss:.3f}.kwckpt");
        var checkpoint = new ModelCheckpoint(pattern, saveBestOnly: true);
        model.Fit(data, epochs: 4, batchSize: 16, validationData: data, callbacks: new Callback[] { Script(0.9, 0.95, 0.5, 0.7), checkpoint }, verbose: 0);
        var names = checkpoint.Saved.Select(Path.GetFileName).ToArray();
        Assert.Equal(new[] { "ckpt-01-0.900.kwckpt", "ckpt-03-0.500.kwckpt" }, names);
        Assert.Equal(names.OrderBy(n => n), Directory.GetFiles(_dir).Select(Path.GetFileName).OrderBy(n => n));
        using var c = TrainingCheckpoint.Read(checkpoint.Saved[1]);
        Assert.Equal(3, c.Epoch); // training continues with epoch index 3
        Assert.Equal(0, c.BatchesDone);
        Assert.Equal(new[] { 0, 1, 2 }, c.ReadHistory().Epochs);
    }

    [Fact]
    public void Should_WriteLoadableWeights_When_SaveWeightsOnly()
    {
        using var data = SyntheticData.Blocks(16, seed: 54);
        using var model = Compiled();
        var checkpoint = new ModelCheckpoint(Path.Combine(_dir, "w-{epoch}.safetensors"), saveWeightsOnly: true);
        model.Fit(data, epochs: 2, batchSize: 16, callbacks: new[] { checkpoint }, verbose: 0);
        Assert.Equal(2, checkpoint.Saved.Count);
        using var fresh = Compiled(seed: 99);
        fresh.LoadWeights(checkpoint.Saved[1]);
        using var a = Weights(model);
        using var b = Weights(fresh);
        Assert.True(BitIdentical(a, b));
    }

    [Theory]
    [InlineData("e{epoch:03d}.ckpt", "e007.ckpt")]
    [InlineData("e{epoch}-{loss:.2f}.ckpt", "e7-0.12.ckpt")]
    [InlineData("e{epoch:000}-{loss:0.0000}.ckpt", "e007-0.1235.ckpt")]
    [InlineData("{loss:.1e}", "1.2e-01")]
    [InlineData("e{epoch:03}", "e007")]
    public void Should_FormatPlaceholders_When_PathHasEpochAndLogs(string pattern, string expected)
        => Assert.Equal(expected, ModelCheckpoint.FormatPath(pattern, 6, new Dictionary<string, double> { ["loss"] = 0.123456 }));

    [Fact]
    public void Should_ListAvailableKeys_When_PathUsesAnUnknownKey()
    {
        var e = Assert.Throws<ArgumentException>(() => ModelCheckpoint.FormatPath("{val_f1}.ckpt", 0, new Dictionary<string, double> { ["loss"] = 1 }));
        Assert.Equal("ModelCheckpoint path '{val_f1}.ckpt' uses {val_f1}, which is not in the logs. Available: epoch, loss.", e.Message);
    }

    [Fact]
    public void Should_StopAtTheBadBatch_When_TheLossBecomesNaN()
    {
        using var good = SyntheticData.Blocks(48, seed: 55);
        var inputs = good.Inputs.clone();
        inputs.narrow(0, 32, 16).fill_(float.NaN);
        using var data = new TensorDataset(inputs, good.Targets.clone());
        using var model = Compiled();
        var terminate = new TerminateOnNaN();
        int batches = 0;
        var history = model.Fit(data, epochs: 5, batchSize: 16, shuffle: false,
            callbacks: new Callback[] { terminate, new LambdaCallback(onTrainBatchEnd: (_, _) => batches++) }, verbose: 0);
        Assert.Equal((0, 2), terminate.TerminatedAt);
        Assert.Equal(3, batches);
        Assert.Single(history.Epochs);
    }

    [Fact]
    public void Should_WriteAHeaderAndOneRowPerEpoch_When_CSVLogger()
    {
        using var data = SyntheticData.Blocks(16, seed: 56);
        using var model = Compiled();
        string file = Path.Combine(_dir, "log.csv");
        model.Fit(data, epochs: 2, batchSize: 16, validationData: data, callbacks: new[] { new CsvLogger(file) }, verbose: 0);
        model.Fit(data, epochs: 3, initialEpoch: 2, batchSize: 16, validationData: data, callbacks: new[] { new CsvLogger(file, append: true) }, verbose: 0);
        var lines = File.ReadAllLines(file);
        Assert.Equal("epoch,accuracy,loss,lr,val_accuracy,val_loss", lines[0]);
        Assert.Equal(4, lines.Length);
        Assert.Equal(new[] { "0", "1", "2" }, lines.Skip(1).Select(l => l.Split(',')[0]));
        double loss = double.Parse(lines[3].Split(',')[2], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(model.History["loss"][2], loss);
    }

    [Fact]
    public void Should_WriteTrainAndValidationScalars_When_TensorBoard()
    {
        using var data = SyntheticData.Blocks(32, seed: 57);
        using var model = Compiled();
        model.Fit(data, epochs: 2, batchSize: 16, validationData: data, callbacks: new[] { new TensorBoard(_dir, updateFrequency: 1) }, verbose: 0);
        string Events(string sub) => string.Concat(Directory.GetFiles(Path.Combine(_dir, sub), "events.out.tfevents.*").Select(f => System.Text.Encoding.Latin1.GetString(File.ReadAllBytes(f))));
        string train = Events("train"), validation = Events("validation");
        foreach (var tag in new[] { "epoch_loss", "epoch_accuracy", "epoch_learning_rate", "batch_loss" }) Assert.Contains(tag, train);
        Assert.Contains("epoch_loss", validation);
        Assert.DoesNotContain("epoch_learning_rate", validation);
    }

    [Fact]
    public void Should_DrawPngFiles_When_PlottingHistoryAndConfusionMatrix()
    {
        using var data = SyntheticData.Blocks(64, seed: 58);
        using var model = Compiled();
        var history = model.Fit(data, epochs: 3, batchSize: 16, validationData: data,
            callbacks: new[] { new LearningRateScheduler(new ExponentialDecayShim()) }, verbose: 0);
        string curves = Path.Combine(_dir, "history.png"), matrix = Path.Combine(_dir, "confusion.png");
        history.Plot(curves);
        model.ConfusionMatrix(data).Plot(matrix);
        foreach (var file in new[] { curves, matrix })
        {
            var bytes = File.ReadAllBytes(file);
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes.Take(4).ToArray());
            Assert.True(bytes.Length > 5000, $"{file}: {bytes.Length} bytes");
        }
        var e = Assert.Throws<KeyNotFoundException>(() => history.Plot(curves, keys: new[] { "top_5_accuracy" }));
        Assert.StartsWith("History has no key 'top_5_accuracy'.", e.Message);
    }

    private sealed class ExponentialDecayShim : Kernelwise.LearningRateSchedule
    {
        public ExponentialDecayShim() : base(Kernelwise.ScheduleInterval.Epoch) { }

        public override double GetRate(long t, double initialRate, double currentRate) => initialRate * Math.Pow(0.5, t);
    }
}
