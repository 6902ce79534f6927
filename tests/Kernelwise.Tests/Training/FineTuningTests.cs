using Kernelwise;
using Kernelwise.Data;
using Kernelwise.Models;
using Kernelwise.Training;
using static Kernelwise.Tests.TrainingHelpers;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Training;

/// <summary>Parameter groups by layer, schedules over groups, freezing the backbone and unfreezing from a layer.</summary>
public class FineTuningTests
{
    private static Model Build(Sequential net, Kernelwise.Optimizer optimizer)
    {
        manual_seed(7);
        return net.Build(ComputeDevice.Cpu).Compile(optimizer, new CrossEntropy(), new Accuracy());
    }

    [Fact]
    public void Should_GroupParametersByLayerRuns_When_LayerRatesAreGiven()
    {
        // NoisyNet: conv2d, max_pooling2d, conv2d_1, batch_normalization, relu, flatten, dropout, dense
        using var model = Build(NoisyNet(), new Adam(1e-2) { LayerRates = [new LayerRate("dense", 1e-1), new LayerRate("conv2d_1", 1e-3)] });

        var groups = model.TorchOptimizer!.ParamGroups.Cast<TorchSharp.Modules.ParamGroup>().ToList();

        Assert.Equal([1e-2, 1e-3, 1e-1], groups.Select(g => g.LearningRate));
        Assert.Equal([2, 4, 2], groups.Select(g => g.Parameters.Count())); // conv2d; conv2d_1 and batch norm; dense
        Assert.Equal(model.Network.parameters().Count(), groups.Sum(g => g.Parameters.Count()));
    }

    [Fact]
    public void Should_ListTheLayers_When_ALayerRateNamesAnUnknownLayer()
    {
        using var model = NoisyNet().Build(ComputeDevice.Cpu);

        var e = Assert.Throws<ArgumentException>(() => model.Compile(new SGD { LayerRates = [new LayerRate("fc", 1e-3)] }, new CrossEntropy()));

        Assert.StartsWith("Model 'noisy' has no layer named 'fc'. Its layers are: conv2d, max_pooling2d, conv2d_1, batch_normalization, relu, flatten, dropout, dense.", e.Message);
    }

    [Fact]
    public void Should_KeepTheGroupsProportions_When_AScheduleWithAbsoluteRatesRuns()
    {
        using var data = SyntheticData.Blocks(32, seed: 3);
        using var model = Build(NoisyNet(), new SGD(0.01) { LayerRates = [new LayerRate("dense", 0.1)] });
        var rates = new List<double[]>();
        var recorder = new LambdaCallback(onTrainBatchEnd: (_, _) => rates.Add(model.TorchOptimizer!.ParamGroups.Select(g => g.LearningRate).ToArray()));

        model.Fit(data, epochs: 2, batchSize: 8, verbose: 0, callbacks: [new LearningRateScheduler(new OneCycle(totalSteps: 8, maxRate: 0.05)), recorder]);

        var schedule = new OneCycle(totalSteps: 8, maxRate: 0.05);
        for (int t = 0; t < rates.Count; t++)
        {
            Assert.Equal(schedule.GetRate(t, 0.01, 0), rates[t][0], 12);   // the optimizer's own group follows the schedule
            Assert.Equal(10 * rates[t][0], rates[t][1], 12);               // the head keeps ten times its rate
        }
    }

    [Fact]
    public void Should_FreezeTheBackboneAndUnfreezeFromALayer_When_FineTuningInStages()
    {
        using var model = Build(NoisyNet(), new Adam());

        model.FreezeBefore("dense");
        Assert.Equal(["batch_normalization", "conv2d", "conv2d_1", "dropout", "flatten", "max_pooling2d", "relu"], model.FrozenLayers.Order());

        model.UnfreezeFrom("conv2d_1");
        Assert.Equal(["conv2d", "max_pooling2d"], model.FrozenLayers.Order());
        Assert.All(model.Network.named_parameters(), p => Assert.Equal(!p.name.StartsWith("conv2d.", StringComparison.Ordinal), p.parameter.requires_grad));

        var e = Assert.Throws<ArgumentException>(() => model.UnfreezeFrom("head"));
        Assert.StartsWith("Model 'noisy' has no layer named 'head'.", e.Message);
    }

    [Fact]
    public void Should_RunFrozenBatchNormalizationInInferenceMode_When_TheModelTrains()
    {
        using var data = SyntheticData.Blocks(16, seed: 5);
        using var model = Build(NoisyNet(), new Adam());
        model.Fit(data, epochs: 1, batchSize: 8, verbose: 0); // running statistics move away from their initial values
        model.FreezeBefore("dense");

        model.SetTrainingMode(true);
        var bn = model.GraphModule.named_children().Single(c => c.name == "batch_normalization").module;
        var dropout = model.GraphModule.named_children().Single(c => c.name == "dropout").module;
        Assert.False(bn.training, "frozen batch normalization is in training mode");
        Assert.True(dropout.training, "freezing changed the mode of a layer without weights");

        using var scope = NewDisposeScope();
        var x = data.Inputs.narrow(0, 0, 8);
        using var _ = no_grad();
        var features = model.GraphModule.Forward(new[] { x }, new[] { "batch_normalization" }).Intermediates["batch_normalization"];
        model.SetTrainingMode(false);
        var inference = model.GraphModule.Forward(new[] { x }, new[] { "batch_normalization" }).Intermediates["batch_normalization"];
        Assert.True(features.allclose(inference), "frozen batch normalization used batch statistics in training mode");
    }
}
