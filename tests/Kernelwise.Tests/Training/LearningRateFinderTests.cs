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
        Assert.InRange(result.SuggestedRate, 1e-5, 10);
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
}
