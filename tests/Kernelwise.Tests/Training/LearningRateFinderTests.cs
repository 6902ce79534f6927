using Kernelwise;
using Kernelwise.Layers;
using Kernelwise.Models;
using static Kernelwise.Tests.TrainingHelpers;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Training;

public class LearningRateFinderTests
{
    [Fact]
    public void Should_LeaveTrainingExactlyAsWithoutIt_When_SweepIsDone()
    {
        using var data = SyntheticData.Blocks(64, seed: 31);
        Tensor Train(bool sweep)
        {
            manual_seed(9);
            using var model = NoisyNet().Build(ComputeDevice.Cpu).Compile(new Adam(0.01), new CrossEntropy());
            model.Fit(data, epochs: 1, batchSize: 16, seed: 4, verbose: 0);
            if (sweep) model.FindLearningRate(data, steps: 20, batchSize: 16, seed: 1);
            // No seed: the second run depends on the random state the sweep must have restored (dropout).
            model.Fit(data, epochs: 2, initialEpoch: 1, batchSize: 16, shuffle: false, verbose: 0);
            return Weights(model);
        }
        using var without = Train(false);
        using var with = Train(true);
        Assert.True(BitIdentical(without, with), "the learning-rate sweep changed later training");
    }

    [Fact]
    public void Should_SweepExponentiallyAndSuggestARateInRange_When_Run()
    {
        using var data = SyntheticData.Blocks(96, seed: 32);
        manual_seed(10);
        using var model = PlainNet().Build(ComputeDevice.Cpu).Compile(new SGD(0.01, momentum: 0.9), new CrossEntropy());
        var result = model.FindLearningRate(data, startRate: 1e-5, endRate: 10, steps: 60, batchSize: 16, seed: 2);
        Assert.InRange(result.Rates.Count, 2, 60);
        Assert.Equal(1e-5, result.Rates[0], 12);
        double ratio = Math.Pow(1e6, 1.0 / 59);
        for (int i = 1; i < result.Rates.Count; i++) Assert.Equal(ratio, result.Rates[i] / result.Rates[i - 1], 9);
        Assert.Equal(result.Rates.Count, result.Losses.Count);
        // The losses are the raw ones smoothed by hand: a β = 0.98 moving average, debiased.
        double average = 0;
        for (int i = 0; i < result.Losses.Count; i++)
        {
            average = 0.98 * average + 0.02 * result.RawLosses[i];
            Assert.Equal(average / (1 - Math.Pow(0.98, i + 1)), result.Losses[i], 12);
        }
        // The suggestion is where the smoothed loss falls fastest against log(rate), found here by hand, and it falls there.
        int steepest = Enumerable.Range(0, result.Rates.Count - 1)
            .MinBy(i => (result.Losses[i + 1] - result.Losses[i]) / Math.Log(result.Rates[i + 1] / result.Rates[i]));
        Assert.Equal(result.Rates[steepest], result.SuggestedRate);
        Assert.True(result.Losses[steepest + 1] < result.Losses[steepest], "the suggested rate is not on a falling stretch of the loss");
        Assert.Equal(result.Rates[result.Losses.ToList().IndexOf(result.Losses.Min())] / 10, result.MinimumRate, 15);
        Assert.Equal(0.01, model.TorchOptimizer!.ParamGroups.First().LearningRate);

        var dir = TempDir("kw-lrfind-");
        try
        {
            string png = Path.Combine(dir, "lr.png");
            result.Plot(png);
            var bytes = File.ReadAllBytes(png);
            Assert.True(bytes.Length > 1000);
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes.Take(4).ToArray());
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Should_SuggestTheSteepestDescentAndTheMinimumOverTen_When_GivenLossesByHand()
    {
        // Slopes against ln(rate), one decade apart: −0.5, −0.1, −0.1, +3.7 (per ln 10) → steepest from rate 1e-3;
        // lowest loss 1.3 at rate 1 → minimum suggestion 0.1.
        var rates = new[] { 1e-3, 1e-2, 1e-1, 1, 10 };
        var losses = new[] { 2.0, 1.5, 1.4, 1.3, 5.0 };
        var result = new Kernelwise.Training.LearningRateFinderResult(rates, losses, losses, diverged: false);
        Assert.Equal(1e-3, result.SteepestRate);
        Assert.Equal(1e-3, result.SuggestedRate);
        Assert.Equal(0.1, result.MinimumRate, 15);

        // Move the steepest fall to the last stretch before the minimum: the suggestion follows it.
        var later = new Kernelwise.Training.LearningRateFinderResult(rates, new[] { 2.0, 1.9, 1.8, 1.0, 5.0 }, losses, diverged: false);
        Assert.Equal(1e-1, later.SuggestedRate);
        Assert.Equal(0.1, later.MinimumRate, 15);
    }
}
