using Kernelwise;
using Kernelwise.Training;
using static Kernelwise.Tests.TrainingHelpers;
using static TorchSharp.torch;
using Kernelwise.Models;

namespace Kernelwise.Tests.Training;

public class ReproducibilityTests
{
    private static (Tensor Weights, IReadOnlyList<double> Loss) Run(int seed)
    {
        using var data = SyntheticData.Blocks(64, seed: 81);
        Reproducibility.SetSeed(seed);
        using var model = NoisyNet().Build(ComputeDevice.Cpu).Compile(new AdamW(0.01), new CrossEntropy(labelSmoothing: 0.1), new Accuracy());
        var history = model.Fit(data, epochs: 2, batchSize: 16, seed: seed, validationSplit: 0.25, verbose: 0);
        return (Weights(model), history["val_loss"].ToArray());
    }

    [Fact]
    public void Should_BeBitIdentical_When_TheSameSeedIsUsedTwice()
    {
        var (a, lossA) = Run(42);
        var (b, lossB) = Run(42);
        var (c, _) = Run(43);
        using (a) using (b) using (c)
        {
            Assert.True(BitIdentical(a, b), "two runs with seed 42 differ");
            Assert.Equal(lossA, lossB);
            Assert.False(BitIdentical(a, c), "seed 43 gave the same weights as seed 42");
        }
    }
}
