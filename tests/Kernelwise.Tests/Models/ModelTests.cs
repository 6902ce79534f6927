using Kernelwise.Training;
using Kernelwise.Layers;
using Kernelwise;
using Kernelwise.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Models;

public class ModelTests
{
    private static Sequential SmallNet() => new Sequential(new Shape(1, 12, 12), "small")
        .Conv2D(8, 3, padding: Padding.Same, activation: Activation.ReLU)
        .MaxPooling2D(2)
        .Conv2D(8, 3, padding: Padding.Same)
        .BatchNormalization()
        .ReLU()
        .Flatten()
        .Dropout(0.1)
        .Dense(4);

    private sealed class LiveTensorProbe : Callback
    {
        public List<long> LiveAtEpochEnd { get; } = new();

        public override void OnEpochEnd(int epoch, Logs logs)
            => LiveAtEpochEnd.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    public class Fit
    {
        [Fact]
        public void Should_LearnAndRecordHistory_When_TrainedForSeveralSteps()
        {
            manual_seed(1);
            using var train = SyntheticData.Blocks(256, seed: 1);
            using var val = SyntheticData.Blocks(128, seed: 2);
            using var model = SmallNet().Build(ComputeDevice.Cpu).Compile(new Adam(0.01), new CrossEntropy(), new Accuracy());
            var history = model.Fit(train, epochs: 3, batchSize: 32, validationData: val, seed: 3, verbose: 0);
            Assert.Equal(new[] { 0, 1, 2 }, history.Epochs);
            foreach (var key in new[] { "loss", "accuracy", "val_loss", "val_accuracy", "lr" }) Assert.True(history.Contains(key), key);
            Assert.True(history["loss"][2] < history["loss"][0], $"loss did not decrease: {string.Join(", ", history["loss"])}");
            Assert.True(history["val_accuracy"][2] > 0.8, $"val_accuracy {history["val_accuracy"][2]}");
        }

        [Fact]
        public void Should_KeepNativeMemoryFlat_When_TrainingOverEpochs()
        {
            using var train = SyntheticData.Blocks(128, seed: 4);
            using var model = SmallNet().Build(ComputeDevice.Cpu).Compile(new SGD(0.05, momentum: 0.9), new CrossEntropy(), new Accuracy());
            var probe = new LiveTensorProbe();
            model.Fit(train, epochs: 4, batchSize: 16, validationData: train, callbacks: new[] { probe }, verbose: 0);
            Assert.Equal(4, probe.LiveAtEpochEnd.Count);
            Assert.Equal(probe.LiveAtEpochEnd[1], probe.LiveAtEpochEnd[3]);
        }

        [Fact]
        public void Should_GiveIdenticalWeights_When_RunTwiceWithTheSameSeed()
        {
            using var train = SyntheticData.Blocks(96, seed: 5);
            Tensor Run()
            {
                manual_seed(42);
                using var model = SmallNet().Build(ComputeDevice.Cpu).Compile(new Adam(0.01), new CrossEntropy());
                model.Fit(train, epochs: 2, batchSize: 16, seed: 7, verbose: 0);
                return cat(model.Network.parameters().Select(p => p.detach().flatten()).ToList()).clone();
            }
            using var a = Run();
            using var b = Run();
            Assert.True(a.equal(b).all().item<bool>());
        }

        [Fact]
        public void Should_PrintOneLinePerEpoch_When_OutputIsRedirected()
        {
            using var train = SyntheticData.Blocks(64, seed: 6);
            using var model = SmallNet().Build(ComputeDevice.Cpu).Compile(new Adam(), new CrossEntropy(), new Accuracy());
            var output = new StringWriter();
            model.Fit(train, epochs: 2, batchSize: 32, callbacks: new[] { new ProgressBar(output) }, verbose: 2);
            var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(2, lines.Length);
            Assert.Matches(@"^Epoch 1/2 - 2/2 - [0-9.]+s - loss: [0-9.]+ - accuracy: [0-9.]+ - lr: ", lines[0]);
        }

        [Fact]
        public void Should_ExplainWhatToDo_When_NotCompiled()
        {
            using var train = SyntheticData.Blocks(8);
            using var model = SmallNet().Build(ComputeDevice.Cpu);
            var e = Assert.Throws<InvalidOperationException>(() => model.Fit(train, verbose: 0));
            Assert.Equal("Model 'small' must be compiled before Fit: call model.Compile(optimizer, loss, metrics) first.", e.Message);
        }

        [Fact]
        public void Should_NameBothShapes_When_DataDoesNotMatchTheInput()
        {
            using var train = SyntheticData.Blocks(8, size: 10);
            using var model = SmallNet().Build(ComputeDevice.Cpu).Compile(new Adam(), new CrossEntropy());
            var e = Assert.Throws<ArgumentException>(() => model.Fit(train, batchSize: 4, verbose: 0));
            Assert.Equal("Fit received inputs of shape [4, 1, 10, 10]; model 'small' expects [batch, 1, 12, 12] (NCHW).", e.Message);
        }
    }

    public class EvaluateAndPredict
    {
        [Fact]
        public void Should_MatchPredictions_When_EvaluatingAccuracy()
        {
            manual_seed(3);
            using var data = SyntheticData.Blocks(100, seed: 8);
            using var model = SmallNet().Build(ComputeDevice.Cpu).Compile(new Adam(0.01), new CrossEntropy(), new Accuracy());
            model.Fit(data, epochs: 1, batchSize: 25, verbose: 0);
            var result = model.Evaluate(data, batchSize: 30);
            using var logits = model.Predict(data, batchSize: 33);
            Assert.Equal(new long[] { 100, 4 }, logits.shape);
            using var correct = logits.argmax(1).eq(data.Targets).sum();
            Assert.Equal(correct.item<long>() / 100.0, result["accuracy"], 10);
            using var probabilities = model.PredictProbabilities(data.Inputs, batchSize: 7);
            using var sums = probabilities.sum(1);
            Assert.True(sums.allclose(ones(100), atol: 1e-5));
        }

        [Fact]
        public void Should_ReturnTheOutputsUnchanged_When_TheModelAlreadyEndsInSoftmax()
        {
            manual_seed(4);
            using var data = SyntheticData.Blocks(20, seed: 8);
            using var model = new Sequential(new Shape(1, 12, 12), "soft").Flatten().Dense(4, activation: Activation.Softmax).Dropout(0.3)
                .Build(ComputeDevice.Cpu);
            Assert.True(model.EndsInSoftmax);
            using var outputs = model.Predict(data.Inputs);
            using var probabilities = model.PredictProbabilities(data.Inputs);
            Assert.True(probabilities.allclose(outputs, rtol: 0, atol: 0)); // softmax applied twice would flatten them towards 1/4
            using var sums = probabilities.sum(1);
            Assert.True(sums.allclose(ones(20), atol: 1e-5));
        }

        [Fact]
        public void Should_NotReportSoftmax_When_TheModelEndsInLogits()
        {
            using var model = SmallNet().Build(ComputeDevice.Cpu);
            Assert.False(model.EndsInSoftmax);
        }
    }

    public class SaveAndLoad
    {
        [Fact]
        public void Should_GiveIdenticalPredictions_When_WeightsAreSavedAndLoaded()
        {
            var dir = Directory.CreateTempSubdirectory("kw-save-");
            try
            {
                using var data = SyntheticData.Blocks(40, seed: 9);
                manual_seed(10);
                using var trained = SmallNet().Build(ComputeDevice.Cpu).Compile(new Adam(0.01), new CrossEntropy());
                trained.Fit(data, epochs: 1, batchSize: 8, verbose: 0);
                string path = Path.Combine(dir.FullName, "weights.bin");
                trained.SaveWeights(path);
                Assert.Empty(Directory.GetFiles(dir.FullName, "*.tmp"));

                manual_seed(11);
                using var fresh = SmallNet().Build(ComputeDevice.Cpu);
                fresh.LoadWeights(path);
                using var a = trained.Predict(data);
                using var b = fresh.Predict(data);
                Assert.True(a.equal(b).all().item<bool>());
            }
            finally
            {
                dir.Delete(true);
            }
        }

        [Fact]
        public void Should_NameTheFileAndKeepWeights_When_LoadingACorruptFile()
        {
            var dir = Directory.CreateTempSubdirectory("kw-load-");
            try
            {
                string path = Path.Combine(dir.FullName, "broken.bin");
                File.WriteAllBytes(path, new byte[] { 1, 2, 3, 4, 5 });
                using var model = SmallNet().Build(ComputeDevice.Cpu);
                using var before = model.Predict(SyntheticData.Blocks(4).Inputs);
                var e = Assert.Throws<InvalidDataException>(() => model.LoadWeights(path));
                Assert.StartsWith($"Could not load weights from '{path}' into model 'small':", e.Message);
                using var after = model.Predict(SyntheticData.Blocks(4).Inputs);
                Assert.True(before.equal(after).all().item<bool>());
            }
            finally
            {
                dir.Delete(true);
            }
        }
    }

    public class Devices
    {
        [Fact]
        public void Should_FailClearly_When_CudaIsRequestedWithoutAGpu()
        {
            Assert.SkipWhen(ComputeDevice.CudaAvailable, "A GPU is present, so requesting CUDA is valid; scripts/gpu-check.sh covers that path.");
            var e = Assert.Throws<InvalidOperationException>(() => ComputeDevice.Cuda().Resolve());
            Assert.StartsWith("Device 'cuda:0' was requested, but CUDA is not available", e.Message);
            Assert.Equal(ComputeDevice.Cpu, ComputeDevice.Auto.Resolve());
        }

        [Theory]
        [InlineData("auto", "auto")]
        [InlineData("CPU", "cpu")]
        [InlineData("cuda", "cuda:0")]
        [InlineData("cuda:1", "cuda:1")]
        public void Should_ParseDeviceNames_When_GivenOnTheCommandLine(string text, string expected)
            => Assert.Equal(expected, ComputeDevice.Parse(text).ToString());

        [Fact]
        public void Should_ListTheChoices_When_DeviceNameIsUnknown()
        {
            var e = Assert.Throws<ArgumentException>(() => ComputeDevice.Parse("tpu"));
            Assert.StartsWith("Invalid device 'tpu'. Expected one of: auto, cpu, cuda, cuda:N.", e.Message);
        }
    }
}
