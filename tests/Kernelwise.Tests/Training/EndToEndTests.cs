using Kernelwise.Data;
using Kernelwise;
using Kernelwise.Tests.Data.Datasets;
using static TorchSharp.torch;
using Kernelwise.Models;

namespace Kernelwise.Tests.Training;

public class EndToEndTests
{
    [FactRequiringFashionMnist]
    public void Should_Reach80PercentOnRealTestImages_When_TrainedOnePassOver10000Images()
    {
        using var data = FashionMnist.Load(FashionMnist.DebianDirectory);
        using var train = data.Train.Take(10_000);
        using var test = data.Test.Take(2_000);
        manual_seed(7);
        using var model = TestModels.SmallBatchNormNet().Build(ComputeDevice.Cpu).Compile(new Adam(3e-3), new CrossEntropy(), new Accuracy());
        var history = model.Fit(train, epochs: 1, batchSize: 64, seed: 7, verbose: 0);
        var result = model.Evaluate(test);
        Assert.True(result["accuracy"] >= 0.80, $"test accuracy {result["accuracy"]:0.000} after one pass (training loss {history["loss"][0]:0.000})");
    }
}
