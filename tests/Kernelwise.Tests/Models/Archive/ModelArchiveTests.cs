using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Kernelwise.Data;
using Kernelwise.Export;
using Kernelwise.Formats;
using Kernelwise.Layers;
using Kernelwise.Models;
using Kernelwise.Modules;
using Kernelwise.Tests.Export;
using Microsoft.ML.OnnxRuntime;
using ModelMetadata = Kernelwise.Models.ModelMetadata;
using TorchSharp;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Models.Archive;

/// <summary>A user's own layer, defined outside the library: a learnable scale and shift per channel.</summary>
public sealed class ChannelAffine : Layer
{
    public ChannelAffine(double initialGain = 1.0, string? name = null) : base(name) => InitialGain = initialGain;

    public double InitialGain { get; }

    public override Shape ComputeOutputShape(Shape input)
    {
        RequireRank(input, 3, "channels, height, width");
        return input;
    }

    public override nn.Module<Tensor, Tensor> CreateModule(Shape input) => new ChannelAffineModule(Name, input.Channels, InitialGain);

    private sealed class ChannelAffineModule : nn.Module<Tensor, Tensor>
    {
        private readonly TorchSharp.Modules.Parameter gain;
        private readonly TorchSharp.Modules.Parameter shift;

        public ChannelAffineModule(string name, int channels, double initialGain) : base(name)
        {
            gain = new TorchSharp.Modules.Parameter(full(channels, initialGain));
            shift = new TorchSharp.Modules.Parameter(zeros(channels));
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => x * gain.view(1, -1, 1, 1) + shift.view(1, -1, 1, 1);
    }
}

/// <summary>The user's ONNX converter for <see cref="ChannelAffine"/>: Mul then Add with the weights as initializers.</summary>
public sealed class ChannelAffineConverter : OnnxLayerConverter<ChannelAffine>
{
    protected override string Convert(OnnxConversionContext context, ChannelAffine layer, nn.Module module, string input, Shape inputShape)
    {
        var shape = new long[] { 1, inputShape.Channels, 1, 1 };
        var scaled = context.Graph.Node("Mul", $"{layer.Name}/Mul", new[] { input, context.WeightInitializer(layer, module, "gain", shape) });
        return context.Graph.Node("Add", $"{layer.Name}/Add", new[] { scaled, context.WeightInitializer(layer, module, "shift", shape) });
    }
}

public class ModelArchiveTests
{
    private static string Temp(string name) => Path.Combine(TrainingHelpers.TempDir("kw-archive-"), name);

    private static Sequential Net() => new Sequential(new Shape(1, 12, 12), "net")
        .Conv2D(4, 3, padding: Padding.Same, activation: Activation.ReLU)
        .BatchNormalization()
        .Residual(b => b.Conv2D(4, 3, padding: 1).ReLU(), activation: Activation.ReLU)
        .MaxPooling2D(2)
        .Flatten()
        .Dropout(0.1)
        .Dense(4);

    [Fact]
    public void Should_RebuildTheModelWithItsWeightsCompileAndMetadata_When_SavedAndLoadedWithNoCode()
    {
        using var data = SyntheticData.Blocks(64, seed: 1);
        manual_seed(1);
        using var model = Net().Build(ComputeDevice.Cpu).Compile(new AdamW(3e-3, weightDecay: 0.02) { ClipNorm = 1.5, GradientAccumulationSteps = 2 },
            new CrossEntropy(labelSmoothing: 0.1), new Accuracy(), new TopKAccuracy(2));
        model.Fit(data, epochs: 2, batchSize: 16, verbose: 0);
        model.Metadata = new ModelMetadata
        {
            ClassNames = new[] { "a", "b", "c", "d" },
            Preprocessing = new ImagePreprocessing(12, 12, ColorMode.Grayscale),
            Description = "blocks",
            Properties = new Dictionary<string, string> { ["dataset"] = "synthetic" },
        };
        string path = Temp("net.kwmodel");
        model.Save(path, includeOptimizer: true);

        using var loaded = Model.Load(path, ComputeDevice.Cpu);
        Assert.Equal(model.Summary().ToString(), loaded.Summary().ToString());
        using var expected = model.Predict(data);
        using var actual = loaded.Predict(data);
        Assert.True(expected.equal(actual).all().item<bool>(), "identical predictions");
        var adamw = Assert.IsType<AdamW>(loaded.Optimizer);
        Assert.Equal((3e-3, 0.02, 1.5, 2), (adamw.LearningRate, adamw.WeightDecay, adamw.ClipNorm!.Value, adamw.GradientAccumulationSteps));
        Assert.Equal(0.1, Assert.IsType<CrossEntropy>(loaded.Loss).LabelSmoothing);
        Assert.Equal(new[] { "accuracy", "top_2_accuracy" }, loaded.Metrics.Select(m => m.Name));
        Assert.Equal(new[] { "a", "b", "c", "d" }, loaded.Metadata.ClassNames);
        Assert.Equal(new ImagePreprocessing(12, 12, ColorMode.Grayscale), loaded.Metadata.Preprocessing);
        Assert.Equal("synthetic", loaded.Metadata.Properties!["dataset"]);
        // The optimizer state came too: one more step from either gives the same weights.
        manual_seed(3);
        model.Fit(data, epochs: 3, initialEpoch: 2, batchSize: 16, seed: 5, verbose: 0);
        manual_seed(3);
        loaded.Fit(data, epochs: 3, initialEpoch: 2, batchSize: 16, seed: 5, verbose: 0);
        using var a = TrainingHelpers.Weights(model);
        using var b = TrainingHelpers.Weights(loaded);
        Assert.True(TrainingHelpers.BitIdentical(a, b));
    }

    [Fact]
    public void Should_TrainSummariseSaveLoadAndExport_When_AFunctionalModelHasTwoInputsAndTwoOutputs()
    {
        var image = new Input(new Shape(1, 12, 12), "image");
        var meta = new Input(new Shape(3), "meta");
        var joined = Merge.Concatenate(image.Conv2D(4, 3, activation: Activation.ReLU).MaxPooling2D(2).Flatten().Dense(8, Activation.ReLU), meta.Dense(8));
        manual_seed(2);
        using var model = new Model(new[] { image, meta }, new[] { joined.Dense(4, name: "class"), joined.Dense(1, name: "size") }, "two", ComputeDevice.Cpu);
        model.Compile(new Adam(1e-2), new Dictionary<string, Loss> { ["class"] = new CrossEntropy(), ["size"] = new MeanSquaredError() },
            new Dictionary<string, double> { ["size"] = 0.25 }, new Dictionary<string, Metric[]> { ["class"] = new Metric[] { new Accuracy() } });
        using var blocks = SyntheticData.Blocks(64, seed: 2);
        var m = rand(64, 3);
        using var data = new TensorDataset(new[] { blocks.Inputs.clone(), m }, new[] { blocks.Targets.clone(), m.sum(1, keepdim: true) });
        var history = model.Fit(data, epochs: 3, batchSize: 16, verbose: 0);
        Assert.True(history["loss"][^1] < history["loss"][0]);
        Assert.Contains("Connected to", model.Summary().ToString());

        string path = Temp("two.kwmodel");
        model.Save(path);
        using var loaded = Model.Load(path, ComputeDevice.Cpu);
        Assert.Equal(model.Summary().ToString(), loaded.Summary().ToString());
        Assert.Equal(new[] { "image", "meta" }, loaded.InputNames);
        Assert.Equal(new[] { "class", "size" }, loaded.OutputNames);
        Assert.Equal(new[] { 1.0, 0.25 }, loaded.LossWeights);
        var expected = model.PredictOutputs(data);
        var actual = loaded.PredictOutputs(data);
        for (int k = 0; k < 2; k++) Assert.True(expected[k].equal(actual[k]).all().item<bool>());

        loaded.GraphModule.eval();
        using var session = new InferenceSession(loaded.ToOnnxBytes(), OnnxTesting.Options());
        using var x = blocks.Inputs.narrow(0, 0, 5).contiguous();
        using var mm = m.narrow(0, 0, 5).contiguous();
        using var run = new RunOptions();
        using var xi = OrtValue.CreateTensorValueFromMemory(x.data<float>().ToArray(), x.shape);
        using var mi = OrtValue.CreateTensorValueFromMemory(mm.data<float>().ToArray(), mm.shape);
        using var results = session.Run(run, new[] { "image", "meta" }, new[] { xi, mi }, new[] { "class", "size" });
        for (int k = 0; k < 2; k++)
        {
            var ort = results[k].GetTensorDataAsSpan<float>().ToArray();
            var kw = expected[k].narrow(0, 0, 5).contiguous().data<float>().ToArray();
            for (int i = 0; i < kw.Length; i++) Assert.True(Math.Abs(kw[i] - ort[i]) <= 1e-4, $"output {k}[{i}]: {kw[i]} vs {ort[i]}");
        }
        foreach (var t in expected.Concat(actual)) t.Dispose();
    }

    [Fact]
    public void Should_TakeAUsersLayerThroughEveryStep_When_ItIsRegistered()
    {
        var definition = new Sequential(new Shape(1, 12, 12), "custom")
            .Conv2D(3, 3, padding: Padding.Same)
            .Add(new ChannelAffine(initialGain: 0.5, name: "affine"))
            .ReLU().Flatten().Dense(4);
        // Build and summary: the module's parameters are counted with no override.
        manual_seed(4);
        using var model = definition.Build(ComputeDevice.Cpu).Compile(new Adam(1e-2), new CrossEntropy(), new Accuracy());
        var row = model.Summary().Rows.Single(r => r.Layer.Name == "affine");
        Assert.Equal(new ParameterCount(6, 0), row.Parameters);
        // Fit.
        using var data = SyntheticData.Blocks(64, seed: 4);
        var history = model.Fit(data, epochs: 4, batchSize: 16, verbose: 0);
        Assert.True(history["loss"][^1] < history["loss"][0]);
        // Archive: refused before registration, with the fix in the message; round trip after it.
        string path = Temp("custom.kwmodel");
        var refused = Assert.Throws<ModelArchiveException>(() => model.Save(path));
        Assert.Contains("ModelArchive.Register<ChannelAffine>()", refused.Message);
        ModelArchive.Register<ChannelAffine>();
        model.Save(path);
        using var loaded = Model.Load(path, ComputeDevice.Cpu);
        Assert.Equal(0.5, Assert.IsType<ChannelAffine>(loaded.Layers.Single(l => l.Name == "affine")).InitialGain);
        using (var p1 = model.Predict(data))
        using (var p2 = loaded.Predict(data)) Assert.True(p1.equal(p2).all().item<bool>());
        // ONNX: refused without a converter, exported and matched with one.
        var noConverter = Assert.Throws<OnnxExportException>(() => model.ToOnnxBytes());
        Assert.Contains("'affine'", noConverter.Message);
        OnnxExport.RegisterConverter(new ChannelAffineConverter());
        model.GraphModule.eval();
        OnnxTesting.AssertMatchesOnnxRuntime(model);
    }

    [Fact]
    public void Should_RefuseToSaveALambdaLayerAndSayWhy_When_SavingAnArchive()
    {
        using var model = new Sequential(new Shape(3), "lambda").Add(new Lambda(x => x.abs(), name: "abs")).Dense(2).Build(ComputeDevice.Cpu);
        using var y = model.Predict(tensor(new float[,] { { -1, 2, -3 } }));
        Assert.Equal(new long[] { 1, 2 }, y.shape);
        var e = Assert.Throws<ModelArchiveException>(() => model.Save(Temp("lambda.kwmodel")));
        Assert.Contains("layer 'abs' is a Lambda layer: it holds C# code (a delegate), which an archive cannot store and loading must never run", e.Message);
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(e.Path) ?? "", "lambda.kwmodel")));
    }

    public class Errors
    {
        private static string Saved()
        {
            manual_seed(5);
            using var model = Net().Build(ComputeDevice.Cpu).Compile(new SGD(0.1), new CrossEntropy());
            string path = Temp("net.kwmodel");
            model.Save(path);
            return path;
        }

        private static string Rewrite(string path, Func<JsonObject, JsonObject> change)
        {
            string copy = Temp("changed.kwmodel");
            File.Copy(path, copy);
            using (var zip = ZipFile.Open(copy, ZipArchiveMode.Update))
            {
                var entry = zip.GetEntry("model.json")!;
                JsonObject json;
                using (var s = entry.Open()) json = JsonNode.Parse(s)!.AsObject();
                entry.Delete();
                using var w = zip.CreateEntry("model.json").Open();
                w.Write(Encoding.UTF8.GetBytes(change(json).ToJsonString()));
            }
            return copy;
        }

        private static JsonNode Last(JsonObject j)
        {
            var layers = j["architecture"]!["layers"]!.AsArray();
            return layers[layers.Count - 1]!;
        }

        [Fact]
        public void Should_NameTheFileEntryAndType_When_ALayerTypeIsUnknown()
        {
            string path = Rewrite(Saved(), j => { j["architecture"]!["layers"]![0]!["type"] = "MyLayer"; return j; });
            var e = Assert.Throws<ModelArchiveException>(() => Model.Load(path));
            Assert.Equal("model.json", e.Entry);
            Assert.Contains($"Model archive '{path}', entry 'model.json': architecture: layer 0 has type 'MyLayer', which this program does not know", e.Message);
            Assert.Contains("registered with ModelArchive.Register<T>()", e.Message);
        }

        [Fact]
        public void Should_AskForANewerKernelwise_When_TheFormatVersionIsNewer()
        {
            string path = Rewrite(Saved(), j => { j["formatVersion"] = 7; return j; });
            var e = Assert.Throws<ModelArchiveException>(() => Model.Load(path));
            Assert.Contains("format version 7, written by a newer Kernelwise", e.Message);
        }

        [Fact]
        public void Should_NameTheEntry_When_TheJsonIsMalformedOrTheWeightsDoNotFit()
        {
            string original = Saved();
            string broken = Temp("broken.kwmodel");
            File.Copy(original, broken);
            using (var zip = ZipFile.Open(broken, ZipArchiveMode.Update))
            {
                zip.GetEntry("model.json")!.Delete();
                using var w = zip.CreateEntry("model.json").Open();
                w.Write(Encoding.UTF8.GetBytes("{\"format\": \"kernelwise-model\", \"formatVersion\": 1, "));
            }
            var malformed = Assert.Throws<ModelArchiveException>(() => Model.Load(broken));
            Assert.Contains("entry 'model.json': malformed JSON", malformed.Message);

            string wider = Rewrite(original, j => { Last(j)["config"]!["units"] = 5; return j; });
            var shapes = Assert.Throws<ModelArchiveException>(() => Model.Load(wider));
            Assert.Equal("weights.safetensors", shapes.Entry);
            Assert.Contains("wrong shape", shapes.Message);

            string huge = Rewrite(original, j => { Last(j)["config"]!["units"] = 2_000_000_000; return j; });
            var declared = Assert.Throws<ModelArchiveException>(() => Model.Load(huge));
            Assert.Contains("declares", declared.Message);
            Assert.Contains("parameter values but the weights entry holds only", declared.Message);

            string text = Temp("text.kwmodel");
            File.WriteAllText(text, "not a zip");
            var notZip = Assert.Throws<ModelArchiveException>(() => Model.Load(text));
            Assert.Contains("is not a model archive: it is not a readable zip file", notZip.Message);
        }

        [Fact]
        public void Should_RefuseTheExtension_When_SavingAnArchiveUnderAnotherName()
        {
            using var model = Net().Build(ComputeDevice.Cpu);
            var e = Assert.Throws<ArgumentException>(() => model.Save(Temp("weights.safetensors")));
            Assert.Contains("use SaveWeights", e.Message);
        }
    }
}
