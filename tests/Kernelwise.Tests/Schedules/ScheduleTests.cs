using Kernelwise.Training;
using Kernelwise;
using Kernelwise.Layers;
using Kernelwise.Models;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Schedules;

/// <summary>Schedules against their formulas, and applied during Fit.</summary>
public class ScheduleTests
{
    [Fact]
    public void Should_DropByGammaEveryStepSize_When_StepDecay()
    {
        var s = new StepDecay(stepSize: 3, gamma: 0.5);
        var rates = Enumerable.Range(0, 8).Select(t => s.GetRate(t, 0.8, double.NaN)).ToArray();
        Assert.Equal(new[] { 0.8, 0.8, 0.8, 0.4, 0.4, 0.4, 0.2, 0.2 }, rates);
    }

    [Fact]
    public void Should_MultiplyEachEpoch_When_ExponentialDecay()
    {
        var s = new ExponentialDecay(0.9);
        for (int t = 0; t < 5; t++) Assert.Equal(0.1 * Math.Pow(0.9, t), s.GetRate(t, 0.1, double.NaN), 15);
    }

    [Fact]
    public void Should_WarmUpLinearlyThenFollowTheCosine_When_CosineAnnealing()
    {
        var s = new CosineAnnealing(totalSteps: 10, minRate: 0.01, warmupSteps: 2);
        Assert.Equal(0.5, s.GetRate(0, 1.0, double.NaN), 15);  // (0 + 1) / 2
        Assert.Equal(1.0, s.GetRate(1, 1.0, double.NaN), 15);  // (1 + 1) / 2
        Assert.Equal(1.0, s.GetRate(2, 1.0, double.NaN), 15);  // cosine starts at lr₀
        for (int t = 2; t < 10; t++)
            Assert.Equal(0.01 + 0.99 * (1 + Math.Cos(Math.PI * (t - 2) / 8.0)) / 2, s.GetRate(t, 1.0, double.NaN), 15);
        Assert.Equal(0.01, s.GetRate(10, 1.0, double.NaN));
        Assert.Equal(0.01, s.GetRate(50, 1.0, double.NaN));
        // Without warm-up it is PyTorch's CosineAnnealingLR: η_t = η_min + (η₀ − η_min)(1 + cos(πt/T))/2.
        var plain = new CosineAnnealing(totalSteps: 4);
        Assert.Equal(new[] { 0.1, 0.1 * (1 + Math.Cos(Math.PI / 4)) / 2, 0.05, 0.1 * (1 + Math.Cos(3 * Math.PI / 4)) / 2 },
            Enumerable.Range(0, 4).Select(t => plain.GetRate(t, 0.1, double.NaN)).ToArray(), new ToleranceComparer(1e-15));
    }

    [Fact]
    public void Should_MatchPyTorchOneCycle_When_TwoPhaseCosine()
    {
        // OneCycleLR(max_lr=1, total_steps=10, pct_start=0.3): initial 0.04, final 4e-6, peak at step 0.3·10 − 1 = 2.
        var s = new OneCycle(totalSteps: 10, maxRate: 1.0);
        Assert.Equal(0.04, s.GetRate(0, 123, double.NaN), 15);
        Assert.Equal(1 + (0.04 - 1) / 2 * (1 + Math.Cos(Math.PI * 0.5)), s.GetRate(1, 123, double.NaN), 15);
        Assert.Equal(1.0, s.GetRate(2, 123, double.NaN), 15);
        Assert.Equal(4e-6 + (1 - 4e-6) / 2 * (1 + Math.Cos(Math.PI * 3 / 7)), s.GetRate(5, 123, double.NaN), 15);
        Assert.Equal(4e-6, s.GetRate(9, 123, double.NaN), 15);
        Assert.Equal(4e-6, s.GetRate(20, 123, double.NaN), 15);
        // Without maxRate the optimizer's rate is the peak.
        Assert.Equal(0.5, new OneCycle(10).GetRate(2, 0.5, double.NaN), 15);
    }

    [Fact]
    public void Should_ReduceAfterPatienceAndWaitOutTheCooldown_When_ReduceOnPlateau()
    {
        var s = new ReduceOnPlateau(factor: 0.5, patience: 2, minDelta: 0, cooldown: 1, minRate: 0.2);
        // Keras's rule: the epoch that ends a cooldown already counts towards patience.
        //   epoch  0    1    2     3        4         5        6         7              8         9
        //   loss   1.0  0.9  0.95  0.95     0.95      0.95     0.95      0.95           0.95      0.95
        //   wait   0    0    1     2→cut    cd,1      2→cut    cd,1      2→cut(0.2)     cd,1      2→at min
        double[] losses = { 1.0, 0.9, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95 };
        var rates = new List<double>();
        for (int e = 0; e < losses.Length; e++)
        {
            s.OnEpochEnd(e, new Dictionary<string, double> { ["val_loss"] = losses[e] });
            rates.Add(s.GetRate(e + 1, 1.0, double.NaN));
        }
        Assert.Equal(new[] { 1, 1, 1, 0.5, 0.5, 0.25, 0.25, 0.2, 0.2, 0.2 }, rates.ToArray());

        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true)) s.SaveState(w);
        ms.Position = 0;
        var copy = new ReduceOnPlateau(factor: 0.5, patience: 2, minDelta: 0, cooldown: 1, minRate: 0.2);
        using (var r = new BinaryReader(ms)) copy.LoadState(r);
        Assert.Equal(s.Scale, copy.Scale);
        s.OnEpochEnd(10, new Dictionary<string, double> { ["val_loss"] = 0.95 });
        copy.OnEpochEnd(10, new Dictionary<string, double> { ["val_loss"] = 0.95 });
        Assert.Equal(s.GetRate(11, 1.0, double.NaN), copy.GetRate(11, 1.0, double.NaN));
    }

    [Fact]
    public void Should_LogTheScheduledRateEachEpoch_When_FitUsesAScheduler()
    {
        using var data = SyntheticData.Blocks(32, seed: 11);
        manual_seed(1);
        using var model = TrainingHelpers.PlainNet().Build(ComputeDevice.Cpu).Compile(new SGD(0.1), new CrossEntropy());
        var history = model.Fit(data, epochs: 5, batchSize: 16, callbacks: new[] { new LearningRateScheduler(new StepDecay(2, 0.5)) }, verbose: 0);
        Assert.Equal(new[] { 0.1, 0.1, 0.05, 0.05, 0.025 }, history["lr"].ToArray(), new ToleranceComparer(1e-12));
    }

    [Fact]
    public void Should_SetTheRateBeforeEveryBatch_When_ScheduleIsPerStep()
    {
        using var data = SyntheticData.Blocks(48, seed: 12);
        manual_seed(2);
        using var model = TrainingHelpers.PlainNet().Build(ComputeDevice.Cpu).Compile(new SGD(0.2), new CrossEntropy());
        var schedule = new OneCycle(totalSteps: 6);
        var seen = new List<double>();
        var probe = new LambdaCallback(onTrainBatchBegin: (_, _) => seen.Add(model.TorchOptimizer!.ParamGroups.First().LearningRate));
        model.Fit(data, epochs: 2, batchSize: 16, callbacks: new Callback[] { new LearningRateScheduler(schedule), probe }, verbose: 0);
        Assert.Equal(Enumerable.Range(0, 6).Select(t => schedule.GetRate(t, 0.2, double.NaN)).ToArray(), seen.ToArray(), new ToleranceComparer(1e-12));
    }

    [Fact]
    public void Should_PassEpochAndRate_When_LambdaSchedule()
    {
        using var data = SyntheticData.Blocks(16, seed: 13);
        manual_seed(3);
        using var model = TrainingHelpers.PlainNet().Build(ComputeDevice.Cpu).Compile(new SGD(0.1), new CrossEntropy());
        var history = model.Fit(data, epochs: 3, batchSize: 16, callbacks: new[] { new LearningRateScheduler((epoch, lr) => epoch == 0 ? lr : lr * 0.1) }, verbose: 0);
        Assert.Equal(new[] { 0.1, 0.01, 0.001 }, history["lr"].ToArray(), new ToleranceComparer(1e-12));
    }

    [Fact]
    public void Should_NameTheArgument_When_WarmupIsNotShorterThanTheSchedule()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new CosineAnnealing(totalSteps: 5, warmupSteps: 5));
        Assert.StartsWith("Invalid value for argument warmupSteps. Expected a value in [0, totalSteps=5). Received warmupSteps=5.", e.Message);
    }
}

internal sealed class ToleranceComparer : IEqualityComparer<double>
{
    private readonly double _tolerance;

    public ToleranceComparer(double tolerance) => _tolerance = tolerance;

    public bool Equals(double x, double y) => Math.Abs(x - y) <= _tolerance * Math.Max(1, Math.Abs(x));

    public int GetHashCode(double obj) => 0;
}
