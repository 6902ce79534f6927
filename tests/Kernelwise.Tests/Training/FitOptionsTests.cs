using Kernelwise.Training;
using Kernelwise.Data;
using Kernelwise;
using Kernelwise.Layers;
using Kernelwise.Models;
using static Kernelwise.Tests.TrainingHelpers;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Training;

public class FitOptionsTests
{
    private static Model Compiled(Sequential net, int seed = 1)
    {
        manual_seed(seed);
        return net.Build(ComputeDevice.Cpu).Compile(new Adam(0.01), new CrossEntropy(), new Accuracy());
    }

    private sealed class StepCounter : Callback
    {
        public long? Steps { get; private set; }

        public List<int> BatchesPerEpoch { get; } = new();

        public override void OnTrainBegin(Logs logs) => Steps = Params?.Steps;

        public override void OnEpochBegin(int epoch, Logs logs) => BatchesPerEpoch.Add(0);

        public override void OnTrainBatchEnd(int batch, Logs logs) => BatchesPerEpoch[^1]++;
    }

    [Fact]
    public void Should_HoldOutTheLastSamples_When_ValidationSplitIsGiven()
    {
        using var data = SyntheticData.Blocks(40, seed: 41);
        using var model = Compiled(NoisyNet());
        var counter = new StepCounter();
        var history = model.Fit(data, epochs: 2, batchSize: 10, validationSplit: 0.25, callbacks: new[] { counter }, verbose: 0);
        Assert.Equal(3, counter.Steps); // 30 training samples in batches of 10
        using var last = new TensorDataset(data.Inputs.narrow(0, 30, 10).clone(), data.Targets.narrow(0, 30, 10).clone());
        var evaluated = model.Evaluate(last);
        Assert.Equal(evaluated["loss"], history["val_loss"][1], 5);
        Assert.Equal(evaluated["accuracy"], history["val_accuracy"][1], 12);
    }

    [Fact]
    public void Should_RefuseBoth_When_ValidationDataAndSplitAreGiven()
    {
        using var data = SyntheticData.Blocks(20, seed: 42);
        using var model = Compiled(PlainNet());
        var e = Assert.Throws<ArgumentException>(() => model.Fit(data, validationData: data, validationSplit: 0.2, verbose: 0));
        Assert.StartsWith("Invalid arguments validationData and validationSplit. Expected one of them, not both. Received validationSplit=0.2 with validationData.", e.Message);
    }

    [Fact]
    public void Should_RunOnlyThatManyBatches_When_StepsPerEpochIsGiven()
    {
        using var data = SyntheticData.Blocks(40, seed: 43);
        using var model = Compiled(PlainNet());
        var counter = new StepCounter();
        model.Fit(data, epochs: 3, batchSize: 8, stepsPerEpoch: 2, callbacks: new[] { counter }, verbose: 0);
        Assert.Equal(2, counter.Steps);
        Assert.Equal(new[] { 2, 2, 2 }, counter.BatchesPerEpoch);
        var e = Assert.Throws<ArgumentException>(() => model.Fit(data, batchSize: 8, stepsPerEpoch: 6, verbose: 0));
        Assert.StartsWith("Invalid value for argument stepsPerEpoch. Expected at most 5, the number of batches of 8 in the 40 training samples. Received stepsPerEpoch=6.", e.Message);
    }

    [Fact]
    public void Should_NumberEpochsFromInitialEpoch_When_Continuing()
    {
        using var data = SyntheticData.Blocks(16, seed: 44);
        using var model = Compiled(PlainNet());
        model.Fit(data, epochs: 2, batchSize: 8, verbose: 0);
        var history = model.Fit(data, epochs: 4, initialEpoch: 2, batchSize: 8, verbose: 0);
        Assert.Equal(new[] { 0, 1, 2, 3 }, history.Epochs);
    }

    public class Freezing
    {
        private static Tensor LayerWeights(Model model, string layer)
        {
            var module = model.Network.named_children().First(c => c.name == layer).module;
            using var scope = NewDisposeScope();
            var all = module.state_dict().Values.Select(t => t.detach().to_type(ScalarType.Float64).flatten()).ToList();
            return cat(all).MoveToOuterDisposeScope();
        }

        [Fact]
        public void Should_KeepFrozenWeightsAndStatistics_When_TrainingAfterFreezing()
        {
            using var data = SyntheticData.Blocks(48, seed: 45);
            using var model = Compiled(NoisyNet());
            model.Fit(data, epochs: 1, batchSize: 16, verbose: 0); // momentum builds up in Adam's state first
            model.Freeze("conv2d", "batch_normalization");
            using var conv = LayerWeights(model, "conv2d");
            using var bn = LayerWeights(model, "batch_normalization"); // includes running mean and variance
            using var dense = LayerWeights(model, "dense");
            model.Fit(data, epochs: 2, initialEpoch: 1, batchSize: 16, verbose: 0);
            using var convAfter = LayerWeights(model, "conv2d");
            using var bnAfter = LayerWeights(model, "batch_normalization");
            using var denseAfter = LayerWeights(model, "dense");
            Assert.True(BitIdentical(conv, convAfter), "a frozen convolution changed");
            Assert.True(BitIdentical(bn, bnAfter), "frozen batch normalization changed (weights or running statistics)");
            Assert.False(BitIdentical(dense, denseAfter), "the trainable head did not train");

            model.Unfreeze();
            model.Fit(data, epochs: 3, initialEpoch: 2, batchSize: 16, verbose: 0);
            using var convUnfrozen = LayerWeights(model, "conv2d");
            Assert.False(BitIdentical(conv, convUnfrozen), "an unfrozen convolution did not train");
        }

        [Fact]
        public void Should_CountFrozenParametersAsNonTrainable_When_Summarised()
        {
            using var model = Compiled(NoisyNet());
            var before = model.Summary().Totals;
            model.Freeze(..^1); // every layer but the last Dense
            var after = model.Summary().Totals;
            long head = 8 * 6 * 6 * 4 + 4;
            Assert.Equal(before.Total, after.Total);
            Assert.Equal(head, after.Trainable);
            Assert.Equal(before.Total - head, after.NonTrainable);
            Assert.Contains($"Trainable params: {head.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} ", model.Summary().ToString());
            Assert.Equal(Enumerable.Range(0, model.Layers.Count - 1).Select(i => model.Layers[i].Name).OrderBy(n => n), model.FrozenLayers.OrderBy(n => n));
            model.Unfreeze(..);
            Assert.Equal(before, model.Summary().Totals);
        }

        [Fact]
        public void Should_ListTheLayers_When_FreezingAnUnknownName()
        {
            using var model = Compiled(PlainNet());
            var e = Assert.Throws<ArgumentException>(() => model.Freeze("conv"));
            Assert.StartsWith("Model 'plain' has no layer named 'conv'. Its layers are: conv2d, max_pooling2d, flatten, dense.", e.Message);
        }
    }
}
