using Kernelwise;
using Kernelwise.Layers;
using Kernelwise.Models;
using Kernelwise.Zoo;

namespace Kernelwise.Tests.Zoo;

public class ResNetFashionMnistTests
{
    [Fact]
    public void Should_LearnFashionMnist_When_AResNetOfEightBlocksTrainsOnASubset()
    {
        // ResNet-18's small-image variant (8 residual blocks, 3 with projection shortcuts), narrowed to width 8.
        using var train = FashionMnistSubset.Load(train: true, count: 2000);
        using var test = FashionMnistSubset.Load(train: false, count: 500);
        var definition = ResNet.Create(18, numClasses: 10, inputChannels: 1, inputSize: 28, width: 8);
        Assert.Equal(8, definition.Layers.Count(l => l is Kernelwise.Layers.Residual));
        TorchSharp.torch.manual_seed(5);
        using var model = definition.Build(ComputeDevice.Cpu);
        model.Compile(new Adam(0.003), new CrossEntropy(), new Accuracy());
        var initial = model.Evaluate(test);
        model.Fit(train, epochs: 1, batchSize: 32, verbose: 0, seed: 5);
        var result = model.Evaluate(test);
        Assert.True(result["loss"] < 0.7 * initial["loss"], $"test loss went from {initial["loss"]:F3} to {result["loss"]:F3}");
        // Chance is 0.10; a model that learned the classes is far above it.
        Assert.True(result["accuracy"] > 0.55, $"test accuracy {result["accuracy"]:F3} after 1 epoch on 2,000 images");
    }
}
