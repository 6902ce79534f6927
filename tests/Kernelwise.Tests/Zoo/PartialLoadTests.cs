using Kernelwise.Models;
using Kernelwise.Zoo;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Zoo;

/// <summary>Torchvision.LoadStateDict with strict: false and skipMismatched: what is reported, logged and refused.</summary>
public class PartialLoadTests
{
    private static Dictionary<string, Tensor> StateOf(Sequential definition)
    {
        using var model = definition.Build(ComputeDevice.Cpu);
        return Torchvision.ExportStateDict(model);
    }

    private static void DisposeAll(Dictionary<string, Tensor> state)
    {
        foreach (var t in state.Values) t.Dispose();
    }

    [Fact]
    public void Should_ReportAndLogSkippedAndMissingTensors_When_LoadingABackboneIntoANewHead()
    {
        var state = StateOf(ModelZoo.ResNet18(10, inputChannels: 1, inputSize: 28, width: 8));
        try
        {
            using var model = ModelZoo.ResNet18(inputChannels: 1, inputSize: 28, width: 8, includeTop: false, pooling: ZooPooling.Average)
                .Dense(3, name: "head").Build(ComputeDevice.Cpu);
            var log = new StringWriter();

            var report = Torchvision.LoadStateDict(model, state, strict: false, log: log);

            Assert.Equal(["fc.bias", "fc.weight"], report.Skipped.Select(e => e.Key));
            Assert.Equal(["head.weight", "head.bias"], report.Missing.Select(e => e.Key));
            Assert.Equal([3L, 64], report.Missing[0].ModelShape!);
            Assert.Empty(report.Mismatched);
            Assert.False(report.IsComplete);
            Assert.Equal(report.ToString() + Environment.NewLine, log.ToString());
            Assert.StartsWith("Loaded ", report.ToString());
            Assert.Contains("2 missing (in the model, not in the file; left as initialised):", report.ToString());
            Assert.Contains("head.weight [3, 64] (model tensor 'head.weight')", report.ToString());
        }
        finally
        {
            DisposeAll(state);
        }
    }

    [Fact]
    public void Should_RefuseMismatchedShapesWithAHint_When_NotAskedToSkipThem()
    {
        var state = StateOf(ModelZoo.ResNet18(10, inputChannels: 1, inputSize: 28, width: 8));
        try
        {
            using var model = ModelZoo.ResNet18(4, inputChannels: 1, inputSize: 28, width: 8).Build(ComputeDevice.Cpu);

            var e = Assert.Throws<InvalidDataException>(() => Torchvision.LoadStateDict(model, state, strict: false, log: TextWriter.Null));

            Assert.Contains("'fc.weight' has shape [10, 64] but 'fc.weight' needs [4, 64]", e.Message);
            Assert.EndsWith("Pass skipMismatched: true to leave tensors of another shape (a new head) as initialised.", e.Message);
        }
        finally
        {
            DisposeAll(state);
        }
    }

    [Fact]
    public void Should_SayNothingFits_When_TheStateDictIsOfAnotherArchitecture()
    {
        var state = StateOf(ModelZoo.AlexNet(10, inputChannels: 1, inputSize: 28));
        try
        {
            using var model = ModelZoo.ResNet18(10, inputChannels: 1, inputSize: 28, width: 8).Build(ComputeDevice.Cpu);

            var e = Assert.Throws<InvalidDataException>(() => Torchvision.LoadStateDict(model, state, strict: false, skipMismatched: true, log: TextWriter.Null));

            Assert.StartsWith("Cannot load the torchvision state dict into model 'resnet18': none of its ", e.Message);
            Assert.EndsWith("Is it the weights of another architecture?", e.Message);
        }
        finally
        {
            DisposeAll(state);
        }
    }

    [Fact]
    public void Should_LogNothing_When_TheLoadIsComplete()
    {
        var state = StateOf(ModelZoo.ResNet18(10, inputChannels: 1, inputSize: 28, width: 8));
        try
        {
            using var model = ModelZoo.ResNet18(10, inputChannels: 1, inputSize: 28, width: 8).Build(ComputeDevice.Cpu);
            var log = new StringWriter();

            var report = Torchvision.LoadStateDict(model, state, log: log);

            Assert.True(report.IsComplete);
            Assert.Equal("", log.ToString());
            Assert.EndsWith("every tensor of the model and of the file was used.", report.ToString());
        }
        finally
        {
            DisposeAll(state);
        }
    }

    [Fact]
    public void Should_RefuseSkipMismatchedWithStrict_When_BothAreGiven()
    {
        using var model = ModelZoo.LeNet5().Build(ComputeDevice.Cpu);

        var e = Assert.Throws<ArgumentException>(() => Torchvision.LoadStateDict(model, new Dictionary<string, Tensor>(), strict: true, skipMismatched: true));

        Assert.StartsWith("Invalid arguments strict and skipMismatched. skipMismatched applies to partial loads: pass strict: false with it.", e.Message);
    }
}
