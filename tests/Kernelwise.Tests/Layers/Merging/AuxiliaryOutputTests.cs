using Kernelwise.Layers;
using Kernelwise;
using Kernelwise.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Layers.Merging;

public class AuxiliaryOutputTests
{
    private static Sequential Net(AuxiliaryOutputs aux) => new Sequential(new Shape(1, 8, 8), "net")
        .Conv2D(4, 3, padding: 1, activation: Activation.ReLU)
        .AuxiliaryOutput(aux, h => h.GlobalAveragePooling2D().Dense(4, name: "aux_fc"), name: "aux")
        .Conv2D(4, 3, padding: 1, activation: Activation.ReLU)
        .GlobalAveragePooling2D()
        .Dense(4, name: "fc");

    [Fact]
    public void Should_PassTheInputOnAndCountTheHead_When_Summarised()
    {
        var summary = Net(new AuxiliaryOutputs()).Summary();
        var aux = summary.Rows.Single(r => r.Layer.Name == "aux");
        Assert.Equal(new Shape(4, 8, 8), aux.Output);
        Assert.Equal(4 * 4 + 4, aux.Parameters.Trainable);
        Assert.Equal(new[] { "head", "global_average_pooling2d", "aux_fc" },
            summary.Rows.SkipWhile(r => r.Layer.Name != "aux").Skip(1).Take(3).Select(r => r.Layer.Name).ToArray());
    }

    [Fact]
    public void Should_RecordTheHeadOnlyInTraining_When_RunForward()
    {
        var aux = new AuxiliaryOutputs();
        using var model = Net(aux).Build(ComputeDevice.Cpu);
        using var scope = NewDisposeScope();
        var x = randn(3, 1, 8, 8);
        model.Network.eval();
        model.GraphModule.forward(x);
        Assert.Empty(aux.Current);
        model.Network.train();
        model.GraphModule.forward(x);
        Assert.Equal("aux", Assert.Single(aux.Current).Name);
        Assert.Equal(new long[] { 3, 4 }, aux.Current[0].Output.shape);
        model.GraphModule.forward(x); // a new pass replaces the previous one
        Assert.Single(aux.Current);
        aux.Clear();
        Assert.Empty(aux.Current);
    }

    [Fact]
    public void Should_AddTheWeightedAuxiliaryLoss_When_Training()
    {
        var aux = new AuxiliaryOutputs();
        using var model = Net(aux).Build(ComputeDevice.Cpu);
        using var scope = NewDisposeScope();
        var x = randn(5, 1, 8, 8);
        var y = tensor(new long[] { 0, 1, 2, 3, 0 });
        model.Network.train();
        var logits = model.GraphModule.forward(x);
        var auxLogits = aux.Current[0].Output.detach().clone();
        var loss = new AuxiliaryLoss(new CrossEntropy(), aux, weight: 0.3).Compute(logits, y);
        var expected = nn.functional.cross_entropy(logits, y) + 0.3 * nn.functional.cross_entropy(auxLogits, y);
        Assert.Equal(expected.item<float>(), loss.item<float>(), 5);
        Assert.Empty(aux.Current); // cleared after use
        loss.backward();
        var headWeight = model.Network.named_parameters().Single(p => p.name == "aux.head.aux_fc.weight").parameter;
        Assert.True(headWeight.grad!.abs().sum().item<float>() > 0, "the auxiliary head received no gradient");
    }

    [Fact]
    public void Should_TrainTheHeadWithFitAndEvaluateTheMainOutputOnly_When_Compiled()
    {
        var aux = new AuxiliaryOutputs();
        using var data = SyntheticData.Blocks(64, classes: 4, size: 8, seed: 2);
        using var model = Net(aux).Build(ComputeDevice.Cpu);
        using var before = model.Network.named_parameters().Single(p => p.name == "aux.head.aux_fc.weight").parameter.detach().clone();
        model.Compile(new SGD(0.1), new AuxiliaryLoss(new CrossEntropy(), aux), new Accuracy());
        model.Fit(data, epochs: 1, batchSize: 16, verbose: 0, seed: 1);
        var after = model.Network.named_parameters().Single(p => p.name == "aux.head.aux_fc.weight").parameter;
        Assert.False(before.allclose(after), "Fit did not update the auxiliary head");
        Assert.Empty(aux.Current);
        var evaluation = model.Evaluate(data);
        Assert.Empty(aux.Current);
        Assert.True(double.IsFinite(evaluation["loss"]));
    }
}
