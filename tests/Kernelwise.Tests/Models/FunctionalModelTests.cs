using Kernelwise.Data;
using Kernelwise.Export;
using Kernelwise.Layers;
using Kernelwise.Models;
using Kernelwise.Tests.Export;
using Microsoft.ML.OnnxRuntime;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Models;

/// <summary>Keras's functional API: symbolic inputs, layers applied to tensors, several inputs and outputs, shared layers, merges.</summary>
public class FunctionalModelTests
{
    /// <summary>An image and a metadata vector in; a class and a size out.</summary>
    private static Model TwoByTwo()
    {
        var image = new Input(new Shape(1, 12, 12), "image");
        var meta = new Input(new Shape(3), "meta");
        var x = image.Conv2D(4, 3, activation: Activation.ReLU).MaxPooling2D(2).Flatten().Dense(8, Activation.ReLU);
        var m = meta.Dense(8, Activation.ReLU);
        var joined = Merge.Concatenate(x, m);
        var cls = joined.Dense(4, name: "class");
        var size = joined.Dense(1, name: "size");
        return new Model(new[] { image, meta }, new[] { cls, size }, "two_by_two", ComputeDevice.Cpu);
    }

    /// <summary>Class = which quadrant is bright; size = the sum of the metadata.</summary>
    private static TensorDataset Data(int n, int seed)
    {
        using var blocks = SyntheticData.Blocks(n, seed: seed);
        var g = new TorchSharp.torch.Generator((ulong)seed);
        var meta = rand(new long[] { n, 3 }, generator: g);
        var size = meta.sum(1, keepdim: true);
        return new TensorDataset(new[] { blocks.Inputs.clone(), meta }, new[] { blocks.Targets.clone(), size });
    }

    [Fact]
    public void Should_TrainBothOutputsWithWeightedLossesAndPerOutputMetrics_When_CompiledPerOutput()
    {
        manual_seed(1);
        using var model = TwoByTwo();
        model.Compile(new Adam(0.02),
            new Dictionary<string, Loss> { ["class"] = new CrossEntropy(), ["size"] = new MeanSquaredError() },
            new Dictionary<string, double> { ["size"] = 0.5 },
            new Dictionary<string, Metric[]> { ["class"] = new Metric[] { new Accuracy() } });
        using var train = Data(256, 2);
        var history = model.Fit(train, epochs: 12, batchSize: 32, seed: 3, verbose: 0);
        Assert.Equal(new[] { "loss", "class_loss", "size_loss", "class_accuracy", "lr" }, history.Keys);
        for (int e = 0; e < 12; e++)
            Assert.Equal(history["class_loss"][e] + 0.5 * history["size_loss"][e], history["loss"][e], 5);
        Assert.True(history["class_loss"][^1] < 0.5 * history["class_loss"][0], $"class loss {history["class_loss"][0]} → {history["class_loss"][^1]}");
        Assert.True(history["size_loss"][^1] < 0.2 * history["size_loss"][0], $"size loss {history["size_loss"][0]} → {history["size_loss"][^1]}");
        Assert.True(history["class_accuracy"][^1] > 0.85, $"class accuracy {string.Join(", ", history["class_accuracy"])}");

        var outputs = model.PredictOutputs(train);
        Assert.Equal(new long[] { 256, 4 }, outputs[0].shape);
        Assert.Equal(new long[] { 256, 1 }, outputs[1].shape);
        foreach (var o in outputs) o.Dispose();
        var evaluation = model.Evaluate(train);
        Assert.Equal(history["class_accuracy"][^1], evaluation["class_accuracy"], 1);
    }

    [Fact]
    public void Should_ShowWhatEachLayerReads_When_Summarised()
    {
        using var model = TwoByTwo();
        var summary = model.Summary();
        string text = summary.ToString();
        Assert.Contains("Connected to", text);
        Assert.Contains("inputs image (None, 1, 12, 12), meta (None, 3)", text);
        var concat = summary.Rows.Single(r => r.Layer is Concatenate);
        Assert.Equal(new[] { "dense", "dense_1" }, concat.ConnectedTo);
        Assert.Equal(new[] { "image" }, summary.Rows.First().ConnectedTo);
        Assert.Equal(new[] { "image", "meta" }, model.InputNames);
        Assert.Equal(new[] { "class", "size" }, model.OutputNames);
    }

    [Fact]
    public void Should_GiveOnnxRuntimesOutputs_When_AGraphWithTwoInputsAndTwoOutputsIsExported()
    {
        manual_seed(4);
        using var model = TwoByTwo();
        model.GraphModule.eval();
        using var session = new InferenceSession(model.ToOnnxBytes(), OnnxTesting.Options());
        Assert.Equal(new[] { "image", "meta" }, session.InputMetadata.Keys);
        Assert.Equal(new[] { "class", "size" }, session.OutputMetadata.Keys);
        using var x = randn(5, 1, 12, 12);
        using var m = randn(5, 3);
        Tensor[] expected;
        using (no_grad()) expected = model.GraphModule.Forward(new[] { x, m });
        using var xi = OrtValue.CreateTensorValueFromMemory(x.data<float>().ToArray(), x.shape);
        using var mi = OrtValue.CreateTensorValueFromMemory(m.data<float>().ToArray(), m.shape);
        using var run = new RunOptions();
        using var results = session.Run(run, new[] { "image", "meta" }, new[] { xi, mi }, new[] { "class", "size" });
        for (int k = 0; k < 2; k++)
        {
            var actual = results[k].GetTensorDataAsSpan<float>().ToArray();
            var want = expected[k].data<float>().ToArray();
            Assert.Equal(want.Length, actual.Length);
            for (int i = 0; i < want.Length; i++) Assert.True(Math.Abs(want[i] - actual[i]) <= 1e-4, $"output {k}[{i}]: {want[i]} vs {actual[i]}");
            expected[k].Dispose();
        }
    }

    [Fact]
    public void Should_ShareWeights_When_OneLayerIsAppliedTwice()
    {
        var left = new Input(new Shape(6), "left");
        var right = new Input(new Shape(6), "right");
        var shared = new Dense(5, name: "shared");
        var sum = Merge.Add(shared.Apply(left), shared.Apply(right));
        using var model = new Model(new[] { left, right }, new[] { sum }, "siamese", ComputeDevice.Cpu);
        Assert.Equal(new[] { "shared.weight", "shared.bias" }, model.Network.state_dict().Keys);
        Assert.Equal(6 * 5 + 5, model.Summary().Totals.Total);
        using var a = randn(2, 6);
        using var b = randn(2, 6);
        using var y = model.GraphModule.Forward(new[] { a, b })[0];
        var w = model.Network.state_dict();
        using var expected = nn.functional.linear(a, w["shared.weight"], w["shared.bias"]) + nn.functional.linear(b, w["shared.weight"], w["shared.bias"]);
        Assert.True(y.allclose(expected, 1e-5, 1e-6));
    }

    public class Errors
    {
        [Fact]
        public void Should_NameTheLayerAndTheTensor_When_ALayerCannotAcceptWhatItIsAppliedTo()
        {
            var image = new Input(new Shape(1, 12, 12), "image");
            var features = image.Conv2D(4, 3);
            var e = Assert.Throws<ModelBuildException>(() => features.Dense(10));
            Assert.StartsWith("Layer 'dense' (Dense) expected input with 2 dimensions (batch, features); received (None, 4, 10, 10)", e.Message);
            Assert.EndsWith("(applied to output of 'conv2d' (None, 4, 10, 10))", e.Message);
        }

        [Fact]
        public void Should_NameEachInputShape_When_MergedShapesDisagree()
        {
            var a = new Input(new Shape(4, 8, 8), "a");
            var b = new Input(new Shape(4, 6, 6), "b");
            var e = Assert.Throws<ModelBuildException>(() => Merge.Add(a, b));
            Assert.Contains("input 0 is (None, 4, 8, 8) but input 1 is (None, 4, 6, 6)", e.Message);
            var c = Assert.Throws<ModelBuildException>(() => Merge.Concatenate(a, b));
            Assert.Contains("joins along axis 1, so all other dimensions must agree", c.Message);
            Assert.Equal(new Shape(8, 8, 8), Merge.Concatenate(a, new Input(new Shape(4, 8, 8))).Shape);
        }

        [Fact]
        public void Should_RefuseTheModel_When_AnOutputDependsOnAnUndeclaredInputOrAnInputIsUnused()
        {
            var a = new Input(new Shape(3), "a");
            var b = new Input(new Shape(3), "b");
            var sum = Merge.Add(a.Dense(2), b.Dense(2));
            var missing = Assert.Throws<ModelBuildException>(() => new Model(a, sum, device: ComputeDevice.Cpu));
            Assert.Contains("depends on input 'b'", missing.Message);
            var unused = Assert.Throws<ModelBuildException>(() => new Model(new[] { a, b }, new[] { a.Dense(2) }, device: ComputeDevice.Cpu));
            Assert.Contains("input 'b' (None, 3) is not used by any output", unused.Message);
        }

        [Fact]
        public void Should_RefuseASharedLayer_When_ItsApplicationsReceiveDifferentShapes()
        {
            var a = new Input(new Shape(3), "a");
            var b = new Input(new Shape(4), "b");
            var shared = new Dense(2, name: "shared");
            var ya = shared.Apply(a);
            var yb = shared.Apply(b);
            var e = Assert.Throws<ModelBuildException>(() => new Model(new[] { a, b }, new[] { ya, yb }, device: ComputeDevice.Cpu));
            Assert.Contains("Layer 'shared' (Dense) is applied to input 'a' (None, 3) and to input 'b' (None, 4)", e.Message);
        }
    }
}
