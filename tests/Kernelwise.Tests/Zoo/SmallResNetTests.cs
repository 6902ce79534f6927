using Kernelwise;
using Kernelwise.Layers;
using Kernelwise.Models;
using Kernelwise.Training;
using Kernelwise.Zoo;

namespace Kernelwise.Tests.Zoo;

public class SmallResNetTests
{
    [Fact]
    public void Should_Have382058ParametersAnd14MMacs_When_DefaultsOnFashionMnist()
    {
        var summary = ModelZoo.SmallResNet().Summary();
        // 800 batch-norm channels: PyTorch counts their weight and bias (382,058 parameters), Keras's total adds the
        // running mean and variance (1,600 more).
        Assert.Equal(382_058L, summary.PyTorchParameterCount);
        Assert.Equal(383_658L, summary.Totals.Total);
        Assert.Equal(4, ModelZoo.SmallResNet().Layers.Count(l => l is Residual));
        Assert.InRange(summary.MultiplyAccumulates, 13.9e6, 14.1e6);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(48)]
    public void Should_Have370WSquaredPlus99WPlus10Parameters_When_AnyWidth(int width)
    {
        // The documented count: 370·w² weights in the convolutions, 9·w in the stem's, 50·w in batch norms, 40·w + 10 in the classifier.
        Assert.Equal(370L * width * width + 99L * width + 10, ModelZoo.SmallResNet(width: width).Summary().PyTorchParameterCount);
    }

    [Fact]
    public void Should_NameTheArgument_When_WidthOrDropoutIsInvalid()
    {
        var width = Assert.Throws<ArgumentOutOfRangeException>(() => ModelZoo.SmallResNet(width: 0));
        Assert.Equal("width", width.ParamName);
        var dropout = Assert.Throws<ArgumentOutOfRangeException>(() => ModelZoo.SmallResNet(dropout: 1.0));
        Assert.Contains("Expected 0 <= dropout < 1. Received dropout=1", dropout.Message);
        var size = Assert.Throws<ModelBuildException>(() => ModelZoo.SmallResNet(inputSize: 1));
        Assert.Contains("SmallResNet", size.Message);
    }

    [Fact]
    public void Should_LearnFashionMnist_When_TrainedWithTheRecipeOnASubset()
    {
        // The time-to-accuracy recipe in miniature: one-cycle SGD with Nesterov momentum, label smoothing, narrow width.
        using var train = FashionMnistSubset.Load(train: true, count: 2000);
        using var test = FashionMnistSubset.Load(train: false, count: 500);
        TorchSharp.torch.manual_seed(3);
        using var model = ModelZoo.SmallResNet(width: 8).Build(ComputeDevice.Cpu)
            .Compile(new SGD(0.1, momentum: 0.9, nesterov: true, weightDecay: 5e-4), new CrossEntropy(labelSmoothing: 0.1), new Accuracy());
        var initial = model.Evaluate(test);
        model.Fit(train, epochs: 2, batchSize: 64, verbose: 0, seed: 3,
            callbacks: new Callback[] { new LearningRateScheduler(new OneCycle(2 * 32, maxRate: 0.1)) });
        var result = model.Evaluate(test);
        Assert.True(result["loss"] < 0.75 * initial["loss"], $"test loss went from {initial["loss"]:F3} to {result["loss"]:F3}");
        Assert.True(result["accuracy"] > 0.6, $"test accuracy {result["accuracy"]:F3} after 2 epochs on 2,000 images");
    }

    [Fact]
    public void Should_AverageEachImageWithItsMirror_When_PredictingWithFlips()
    {
        using var test = FashionMnistSubset.Load(train: false, count: 40);
        TorchSharp.torch.manual_seed(6);
        using var model = ModelZoo.SmallResNet(width: 8).Build(ComputeDevice.Cpu);
        using var tta = model.PredictProbabilitiesWithFlips(test.Inputs, 16);
        using var direct = model.PredictProbabilities(test.Inputs, 16);
        using var mirrored = test.Inputs.flip(3);
        using var flipped = model.PredictProbabilities(mirrored, 16);
        using var expected = (direct + flipped) / 2;
        Assert.True(tta.allclose(expected, rtol: 0, atol: 1e-6), "the mean of the two probability tensors");
        Assert.False(tta.allclose(direct, rtol: 0, atol: 1e-4), "the mirror images change the prediction");
        var wrongRank = Assert.Throws<ArgumentException>(() => model.PredictProbabilitiesWithFlips(test.Inputs.flatten(1), 16));
        Assert.Contains("received rank 2", wrongRank.Message);
    }
}
