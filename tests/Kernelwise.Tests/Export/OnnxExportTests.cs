using Kernelwise.Data;
using Kernelwise.Export;
using Kernelwise.Layers;
using Kernelwise;
using Kernelwise.Models;
using Kernelwise.Modules;
using Kernelwise.Tests.Data.Datasets;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Export;

public sealed class OnnxExportTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("kernelwise-onnx-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static Model SmallNet() => OnnxTesting.Build(new Shape(1, 12, 12),
        new Conv2D(4, 3, padding: Padding.Same, activation: Activation.ReLU, name: "features"),
        new BatchNormalization(name: "norm"),
        new MaxPooling2D(2),
        new Flatten(),
        new Dropout(0.5),
        new Dense(3, name: "classifier"));

    /// <summary>A layer Kernelwise does not know how to export: a user's own.</summary>
    private sealed class Doubling(string? name = null) : Layer(name)
    {
        public override Shape ComputeOutputShape(Shape input) => input;

        public override nn.Module<Tensor, Tensor> CreateModule(Shape input) => new FunctionModule(Name, x => x * 2);
    }

    /// <summary>A user's subclass of a supported base class: it may compute something else, so it is not exported as its base.</summary>
    private sealed class CustomConv() : BaseConv(2, 2, 3, default, default, default, 1, Activation.Linear, true, "custom_conv");

    [Fact]
    public void Should_WriteAnOpset17ModelWithNamedInputOutputDynamicBatchAndWeightInitializers_When_Exported()
    {
        using var model = SmallNet();
        string path = Path.Combine(_folder, "small.onnx");

        model.ExportOnnx(path);

        var proto = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        Assert.Equal(8, proto.IrVersion);
        Assert.Equal(17, Assert.Single(proto.OpsetImport).Version);
        Assert.Equal("Kernelwise", proto.ProducerName);
        var input = Assert.Single(proto.Graph.Input);
        Assert.Equal("input", input.Name);
        Assert.Equal("batch", input.Type.TensorType.Shape.Dim[0].DimParam);
        Assert.Equal(new long[] { 1, 12, 12 }, input.Type.TensorType.Shape.Dim.Skip(1).Select(d => d.DimValue));
        var output = Assert.Single(proto.Graph.Output);
        Assert.Equal("logits", output.Name);
        Assert.Equal("batch", output.Type.TensorType.Shape.Dim[0].DimParam);
        Assert.Equal(3, output.Type.TensorType.Shape.Dim[1].DimValue);
        var initializers = proto.Graph.Initializer.Select(t => t.Name).ToHashSet();
        Assert.Superset(new HashSet<string> { "features.weight", "features.bias", "norm.weight", "norm.bias", "norm.running_mean", "norm.running_var", "classifier.weight", "classifier.bias" }, initializers);
        Assert.DoesNotContain(proto.Graph.Node, n => n.OpType == "Dropout");

        using var session = new InferenceSession(path);
        Assert.Equal(new[] { -1, 1, 12, 12 }, session.InputMetadata["input"].Dimensions);
        Assert.Equal("batch", session.InputMetadata["input"].SymbolicDimensions[0]);
        Assert.Equal(new[] { -1, 3 }, session.OutputMetadata["logits"].Dimensions);
        Assert.Equal(new[] { "small.onnx" }, Directory.GetFiles(_folder).Select(Path.GetFileName));
    }

    [Fact]
    public void Should_MatchKernelwise_When_ExportedModelRunsInOnnxRuntime()
    {
        using var model = SmallNet();
        OnnxTesting.AssertMatchesOnnxRuntime(model);
    }

    [Fact]
    public void Should_OutputProbabilities_When_SoftmaxIsAppended()
    {
        using var model = SmallNet();
        var options = new OnnxExportOptions { AppendSoftmax = true };
        OnnxTesting.AssertMatchesOnnxRuntime(model, options);

        using var sessionOptions = OnnxTesting.Options();
        using var session = new InferenceSession(model.ToOnnxBytes(options), sessionOptions);
        Assert.Equal("probabilities", Assert.Single(session.OutputMetadata.Keys));
        using var x = randn(5, 1, 12, 12);
        var (values, _) = OnnxTesting.Run(session, x, options);
        for (int i = 0; i < 5; i++) Assert.Equal(1.0, values.Skip(3 * i).Take(3).Sum(), 5);
    }

    [Fact]
    public void Should_NotApplySoftmaxTwice_When_TheModelAlreadyEndsInSoftmax()
    {
        using var model = OnnxTesting.Build(new Shape(1, 12, 12),
            new Conv2D(4, 3, activation: Activation.ReLU),
            new Flatten(),
            new Dense(3, activation: Activation.Softmax),
            new Dropout(0.2));
        Assert.True(model.EndsInSoftmax);
        var options = new OnnxExportOptions { AppendSoftmax = true };

        var proto = ModelProto.Parser.ParseFrom(model.ToOnnxBytes(options));
        Assert.Single(proto.Graph.Node, n => n.OpType == "Softmax");
        Assert.Equal("probabilities", proto.Graph.Output[0].Name);
        OnnxTesting.AssertMatchesOnnxRuntime(model, options);
    }

    [Fact]
    public void Should_UseTheGivenNamesAndDescription_When_OptionsSetThem()
    {
        using var model = SmallNet();
        var options = new OnnxExportOptions { InputName = "images", OutputName = "scores", BatchDimensionName = "n", Description = "a test model" };

        var proto = ModelProto.Parser.ParseFrom(model.ToOnnxBytes(options));

        Assert.Equal("images", proto.Graph.Input[0].Name);
        Assert.Equal("n", proto.Graph.Input[0].Type.TensorType.Shape.Dim[0].DimParam);
        Assert.Equal("scores", proto.Graph.Output[0].Name);
        Assert.Equal("a test model", proto.DocString);
        OnnxTesting.AssertMatchesOnnxRuntime(model, options);
    }

    [Fact]
    public void Should_WriteTheSameBytes_When_ExportedToAStream()
    {
        using var model = SmallNet();
        using var stream = new MemoryStream();

        model.ExportOnnx(stream);

        Assert.Equal(model.ToOnnxBytes(), stream.ToArray());
    }

    [Fact]
    public void Should_ThrowNamingTheLayerAndWriteNothing_When_ALayerHasNoConverter()
    {
        using var model = OnnxTesting.Build(new Shape(2, 6, 6), new Conv2D(2, 3), new Doubling("my_doubling"), new Flatten());
        string path = Path.Combine(_folder, "custom.onnx");

        var e = Assert.Throws<OnnxExportException>(() => model.ExportOnnx(path));

        Assert.Equal("my_doubling", e.LayerName);
        Assert.StartsWith($"Cannot export model 'exported' to ONNX: layer 'my_doubling' ({typeof(Doubling).FullName}) has no ONNX converter. Layers that can be exported: ", e.Message);
        Assert.Contains("Conv2D", e.Message);
        Assert.EndsWith("Nothing was written.", e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(_folder));
    }

    [Fact]
    public void Should_ListEveryUnsupportedLayer_When_SeveralHaveNoConverter()
    {
        using var model = OnnxTesting.Build(new Shape(2, 6, 6), new Doubling("first"), new Conv2D(2, 3), new CustomConv());

        var e = Assert.Throws<OnnxExportException>(() => model.ToOnnxBytes());

        Assert.Equal("first", e.LayerName);
        Assert.Contains($"layers 'first' ({typeof(Doubling).FullName}), 'custom_conv' ({typeof(CustomConv).FullName}) have no ONNX converter", e.Message);
    }

    [Fact]
    public void Should_LeaveAnExistingFileAndTheStreamUntouched_When_ExportFails()
    {
        using var model = OnnxTesting.Build(new Shape(4), new Doubling());
        string path = Path.Combine(_folder, "existing.onnx");
        File.WriteAllText(path, "previous model");
        using var stream = new MemoryStream();

        Assert.Throws<OnnxExportException>(() => model.ExportOnnx(path));
        Assert.Throws<OnnxExportException>(() => model.ExportOnnx(stream));

        Assert.Equal("previous model", File.ReadAllText(path));
        Assert.Equal(new[] { "existing.onnx" }, Directory.GetFiles(_folder).Select(Path.GetFileName));
        Assert.Equal(0, stream.Length);
    }

    [Fact]
    public void Should_ReplaceAnExistingFile_When_ExportSucceeds()
    {
        using var model = SmallNet();
        string path = Path.Combine(_folder, "nested", "model.onnx");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "previous model");

        model.ExportOnnx(path);

        Assert.Equal(model.ToOnnxBytes(), File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
    }

    [Fact]
    public void Should_RejectOptions_When_NamesAreEmptyOrClash()
    {
        using var model = SmallNet();

        var clash = Assert.Throws<ArgumentException>(() => model.ToOnnxBytes(new OnnxExportOptions { InputName = "x", OutputName = "x" }));
        var empty = Assert.Throws<ArgumentException>(() => model.ToOnnxBytes(new OnnxExportOptions { InputName = " " }));
        var batch = Assert.Throws<ArgumentException>(() => model.ToOnnxBytes(new OnnxExportOptions { BatchDimensionName = "" }));

        Assert.StartsWith("Invalid value for argument OutputName of OnnxExportOptions. Expected a name different from InputName. Received InputName='x', OutputName='x'.", clash.Message);
        Assert.StartsWith("Invalid value for argument InputName of OnnxExportOptions. Expected a non-empty name. Received InputName=' '.", empty.Message);
        Assert.StartsWith("Invalid value for argument BatchDimensionName of OnnxExportOptions.", batch.Message);
    }

    [Fact]
    public void Should_RejectEmptyPath_When_Exporting()
    {
        using var model = SmallNet();
        Assert.Throws<ArgumentException>(() => model.ExportOnnx(""));
    }

    [FactRequiringFashionMnist]
    public void Should_GiveIdenticalPredictionsAndAccuracy_When_TrainedFashionMnistModelRunsInOnnxRuntime()
    {
        using var data = FashionMnist.Load(FashionMnist.DebianDirectory);
        using var train = data.Train.Take(4_000);
        using var test = data.Test.Take(2_000);
        manual_seed(3);
        using var model = new Sequential(new Shape(1, 28, 28), "fashion_cnn")
            .Conv2D(8, 3, padding: Padding.Same, useBias: false)
            .BatchNormalization()
            .ReLU()
            .MaxPooling2D(2)
            .Conv2D(16, 3, strides: 2, padding: Padding.Same, activation: Activation.ReLU)
            .Dropout(0.25)
            .Flatten()
            .Dense(10)
            .Build(ComputeDevice.Cpu)
            .Compile(new Adam(3e-3), new CrossEntropy(), new Accuracy());
        model.Fit(train, epochs: 1, batchSize: 64, seed: 3, verbose: 0);
        double kernelwiseAccuracy = model.Evaluate(test)["accuracy"];
        using var logits = model.Predict(test.Inputs);
        using var expected = logits.argmax(1);
        long[] kernelwisePredictions = expected.data<long>().ToArray();

        string path = Path.Combine(_folder, "fashion.onnx");
        model.ExportOnnx(path);
        using var sessionOptions = OnnxTesting.Options();
        using var session = new InferenceSession(path, sessionOptions);
        var (values, shape) = OnnxTesting.Run(session, test.Inputs);
        Assert.Equal(new long[] { 2_000, 10 }, shape);
        long[] onnxPredictions = Enumerable.Range(0, 2_000).Select(i => (long)ArgMax(values.AsSpan(10 * i, 10))).ToArray();
        long[] labels = test.Targets.data<long>().ToArray();
        double onnxAccuracy = onnxPredictions.Zip(labels).Count(p => p.First == p.Second) / 2_000.0;

        Assert.True(kernelwiseAccuracy > 0.7, $"the model trained too little to be a meaningful check: accuracy {kernelwiseAccuracy:0.000}");
        Assert.Equal(kernelwisePredictions, onnxPredictions);
        Assert.Equal(kernelwiseAccuracy, onnxAccuracy, 10);
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best]) best = i;
        }
        return best;
    }
}
