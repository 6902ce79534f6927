using Kernelwise.Export;
using Kernelwise.Layers;
using Kernelwise.Models;
using Kernelwise.Modules;
using Kernelwise.OnnxRuntime;
using Kernelwise.Tests.Export;
using Kernelwise.Zoo;
using TorchSharp;
using static TorchSharp.torch;

namespace Kernelwise.Tests.OnnxRuntime;

/// <summary>
/// <see cref="OnnxPredictor"/>: outputs equal to <c>Model.Predict</c> within 1e-4 on the tutorial convnet, a residual
/// network and a two-input two-output functional model, through every overload, and errors that name what is wrong.
/// </summary>
public class OnnxPredictorTests
{
    private const double Tolerance = OnnxTesting.Tolerance;

    private static Model TwoInputsTwoOutputs()
    {
        var image = new Input(new Shape(1, 12, 12), "image");
        var meta = new Input(new Shape(3), "meta");
        var joined = Merge.Concatenate(image.Conv2D(4, 3, activation: Activation.ReLU).MaxPooling2D(2).Flatten().Dense(8, Activation.ReLU), meta.Dense(8));
        manual_seed(2);
        return new Model(new[] { image, meta }, new[] { joined.Dense(4, name: "class"), joined.Dense(1, name: "size") }, "two", ComputeDevice.Cpu);
    }

    private static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        Assert.Equal(expected.shape, actual.shape);
        Assert.Equal(ScalarType.Float32, actual.dtype);
        Assert.Equal(DeviceType.CPU, actual.device_type);
        double worst = (expected - actual).abs().max().item<float>();
        Assert.True(worst <= Tolerance, $"{what}: largest difference {worst:E3} exceeds {Tolerance:E0}");
    }

    private static void AssertClose(Tensor expected, float[] actual, string what)
    {
        float[] e = expected.contiguous().data<float>().ToArray();
        Assert.Equal(e.Length, actual.Length);
        double worst = e.Zip(actual, (a, b) => (double)Math.Abs(a - b)).Max();
        Assert.True(worst <= Tolerance, $"{what}: largest difference {worst:E3} exceeds {Tolerance:E0}");
    }

    public class Predict
    {
        [Fact]
        public void Should_EqualModelPredict_When_TheModelIsTheTutorialConvNet()
        {
            manual_seed(7);
            using var model = TestModels.TutorialConvNet().Build(ComputeDevice.Cpu);
            using var predictor = model.ToOnnxPredictor();
            using var scope = NewDisposeScope();
            var x = rand(37, 1, 28, 28);
            // 37 samples in batches of 16: two full batches and a last one of 5; then batch 1 alone.
            AssertClose(model.Predict(x, batchSize: 16), predictor.Predict(x, batchSize: 16), "batch 16");
            var one = x.narrow(0, 3, 1);
            AssertClose(model.Predict(one), predictor.Predict(one), "batch 1");
        }

        [Fact]
        public void Should_EqualModelPredict_When_TheModelIsAResidualNetworkWithBatchNormalization()
        {
            // ResNet-18 for small images at width 8, with non-trivial batch-norm scales and running statistics.
            using var model = OnnxTesting.Build(ModelZoo.ResNet18(numClasses: 10, inputChannels: 1, inputSize: 28, variant: ZooVariant.SmallImages, width: 8));
            using var predictor = model.ToOnnxPredictor();
            using var scope = NewDisposeScope();
            var x = randn(9, 1, 28, 28);
            AssertClose(model.Predict(x, batchSize: 4), predictor.Predict(x, batchSize: 4), "resnet18");
        }

        [Fact]
        public void Should_GiveTheSameValuesThroughEveryOverload_When_InputsAreArraysSpansOrTensors()
        {
            manual_seed(3);
            using var model = TestModels.SmallBatchNormNet().Build(ComputeDevice.Cpu);
            using var predictor = model.ToOnnxPredictor();
            using var scope = NewDisposeScope();
            var x = rand(5, 1, 28, 28);
            var expected = model.Predict(x);
            float[] pixels = x.data<float>().ToArray();

            AssertClose(expected, predictor.Predict(pixels, batchSize: 2), "float[]");
            var written = new float[5 * 10];
            predictor.Predict(pixels.AsSpan(), written.AsSpan(), batchSize: 3);
            AssertClose(expected, written, "span");
            AssertClose(expected, predictor.PredictOutputs(new[] { pixels })[0], "PredictOutputs(float[][])");
            AssertClose(expected, predictor.PredictOutputs(new[] { x })[0], "PredictOutputs(Tensor[])");
        }

        [Fact]
        public void Should_ReadAnyLayout_When_TheInputIsNotContiguous()
        {
            manual_seed(4);
            using var model = TestModels.SmallBatchNormNet().Build(ComputeDevice.Cpu);
            using var predictor = model.ToOnnxPredictor();
            using var scope = NewDisposeScope();
            var x = rand(28, 28, 6, 1).permute(2, 3, 0, 1); // [6, 1, 28, 28], strides of another layout
            Assert.False(x.is_contiguous());
            AssertClose(model.Predict(x.contiguous()), predictor.Predict(x, batchSize: 4), "permuted");
        }

        [Fact]
        public void Should_ReturnProbabilities_When_TheExportAppendsSoftmax()
        {
            manual_seed(5);
            using var model = TestModels.SmallBatchNormNet().Build(ComputeDevice.Cpu);
            using var predictor = model.ToOnnxPredictor(new OnnxPredictorOptions { Export = new OnnxExportOptions { AppendSoftmax = true } });
            using var scope = NewDisposeScope();
            var x = rand(4, 1, 28, 28);
            AssertClose(model.PredictProbabilities(x), predictor.Predict(x), "probabilities");
        }

        [Fact]
        public void Should_KeepTheWeightsOfItsCreation_When_TheModelChangesAfterwards()
        {
            manual_seed(6);
            using var model = TestModels.SmallBatchNormNet().Build(ComputeDevice.Cpu);
            using var scope = NewDisposeScope();
            var x = rand(3, 1, 28, 28);
            var before = model.Predict(x);
            using var predictor = model.ToOnnxPredictor();
            using (no_grad())
            {
                foreach (var p in model.Network.parameters()) p.mul_(2);
            }
            AssertClose(before, predictor.Predict(x), "snapshot");
            Assert.True((model.Predict(x) - before).abs().max().item<float>() > 1e-2);
        }

        [Fact]
        public void Should_LeaveOnlyItsResultAlive_When_PredictReturns()
        {
            manual_seed(8);
            using var model = TestModels.SmallBatchNormNet().Build(ComputeDevice.Cpu);
            using var predictor = model.ToOnnxPredictor();
            using var x = rand(10, 1, 28, 28);
            predictor.Predict(x, batchSize: 3).Dispose(); // warm up
            long live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            using (var y = predictor.Predict(x, batchSize: 3))
            {
                Assert.Equal(live + 1, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
            }
            Assert.Equal(live, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
            Assert.False(x.IsInvalid);
        }
    }

    public class PredictOutputs
    {
        [Fact]
        public void Should_EqualModelPredictOutputs_When_TheModelHasTwoInputsAndTwoOutputs()
        {
            using var model = TwoInputsTwoOutputs();
            using var predictor = model.ToOnnxPredictor();
            Assert.Equal(new[] { "image", "meta" }, predictor.InputNames);
            Assert.Equal(new[] { "class", "size" }, predictor.OutputNames);
            Assert.Equal(new[] { new Shape(4), new Shape(1) }, predictor.OutputShapes);
            using var scope = NewDisposeScope();
            var image = rand(11, 1, 12, 12);
            var meta = rand(11, 3);
            var expected = model.PredictOutputs(new[] { image, meta }, batchSize: 4);
            var actual = predictor.PredictOutputs(new[] { image, meta }, batchSize: 4);
            Assert.Equal(2, actual.Length);
            for (int k = 0; k < 2; k++) AssertClose(expected[k], actual[k], $"output {predictor.OutputNames[k]}");

            var arrays = predictor.PredictOutputs(new[] { image.data<float>().ToArray(), meta.data<float>().ToArray() }, batchSize: 5);
            for (int k = 0; k < 2; k++) AssertClose(expected[k], arrays[k], $"array output {predictor.OutputNames[k]}");
        }

        [Fact]
        public void Should_PointToPredictOutputs_When_PredictIsCalledOnATwoOutputModel()
        {
            using var model = TwoInputsTwoOutputs();
            using var predictor = model.ToOnnxPredictor();
            using var x = rand(2, 1, 12, 12);
            var e = Assert.Throws<InvalidOperationException>(() => predictor.Predict(x));
            Assert.Contains("Model 'two' has 2 input(s) (image, meta) and 2 output(s) (class, size)", e.Message);
            Assert.Contains("Use PredictOutputs", e.Message);
            Assert.Throws<InvalidOperationException>(() => predictor.Predict(new float[144]));
        }

        [Fact]
        public void Should_NameTheInput_When_SampleCountsDiffer()
        {
            using var model = TwoInputsTwoOutputs();
            using var predictor = model.ToOnnxPredictor();
            using var image = rand(3, 1, 12, 12);
            using var meta = rand(2, 3);
            var e = Assert.Throws<ArgumentException>(() => predictor.PredictOutputs(new[] { image, meta }));
            Assert.StartsWith("PredictOutputs received 3 sample(s) for input 'image' and 2 for input 'meta'; every input needs the same number of samples.", e.Message);
            var a = Assert.Throws<ArgumentException>(() => predictor.PredictOutputs(new[] { new float[144], new float[4] }));
            Assert.StartsWith("PredictOutputs received input 'meta' with 4 values; model 'two' takes 3 values per sample ([3], NCHW), so the length must be a positive multiple of 3.", a.Message);
            Assert.Throws<ArgumentException>(() => predictor.PredictOutputs(new[] { image }));
        }
    }

    public class Errors
    {
        [Fact]
        public void Should_NameShapeTypeAndLength_When_InputsDoNotFit()
        {
            manual_seed(9);
            using var model = TestModels.SmallBatchNormNet().Build(ComputeDevice.Cpu);
            using var predictor = model.ToOnnxPredictor();
            using var scope = NewDisposeScope();

            var shape = Assert.Throws<ArgumentException>(() => predictor.Predict(rand(2, 28, 28)));
            Assert.StartsWith("PredictOutputs received inputs of shape [2, 28, 28]; model 'small_bn' expects [batch, 1, 28, 28] (NCHW).", shape.Message);
            var type = Assert.Throws<ArgumentException>(() => predictor.Predict(rand(2, 1, 28, 28, dtype: ScalarType.Float64)));
            Assert.StartsWith("PredictOutputs received inputs of type Float64; the ONNX model of 'small_bn' takes Float32.", type.Message);
            var empty = Assert.Throws<ArgumentException>(() => predictor.Predict(rand(0, 1, 28, 28)));
            Assert.StartsWith("PredictOutputs received no samples", empty.Message);
            var length = Assert.Throws<ArgumentException>(() => predictor.Predict(new float[785]));
            Assert.StartsWith("Predict received inputs with 785 values; model 'small_bn' takes 784 values per sample ([1, 28, 28], NCHW), so the length must be a positive multiple of 784.", length.Message);
            var span = Assert.Throws<ArgumentException>(() => predictor.Predict(new float[784 * 2], new float[10]));
            Assert.StartsWith("Predict received an output span of 10 values; 2 sample(s) of model 'small_bn' give 20 (2 × [10]).", span.Message);
            var batch = Assert.Throws<ArgumentOutOfRangeException>(() => predictor.Predict(rand(1, 1, 28, 28), batchSize: 0));
            Assert.StartsWith("Invalid value for argument batchSize. Expected a strictly positive value. Received batchSize=0.", batch.Message);
        }

        [Fact]
        public void Should_RefuseZeroThreads_When_OptionsAreInvalid()
        {
            using var model = TestModels.SmallBatchNormNet().Build(ComputeDevice.Cpu);
            var e = Assert.Throws<ArgumentException>(() => model.ToOnnxPredictor(new OnnxPredictorOptions { IntraOpThreads = 0 }));
            Assert.StartsWith("Invalid value for argument IntraOpThreads of OnnxPredictorOptions. Expected a positive number of threads, or null for libtorch's thread count. Received IntraOpThreads=0.", e.Message);
        }

        [Fact]
        public void Should_ThrowObjectDisposed_When_UsedAfterDispose()
        {
            using var model = TestModels.SmallBatchNormNet().Build(ComputeDevice.Cpu);
            var predictor = model.ToOnnxPredictor();
            predictor.Dispose();
            predictor.Dispose(); // twice is harmless
            using var x = rand(1, 1, 28, 28);
            Assert.Throws<ObjectDisposedException>(() => predictor.Predict(x));
            Assert.Throws<ObjectDisposedException>(() => predictor.Predict(new float[784]));
        }
    }

    public class Options
    {
        /// <summary>A user's layer that has no ONNX converter.</summary>
        private sealed class Tripling(string? name = null) : Layer(name)
        {
            public override Shape ComputeOutputShape(Shape input) => input;

            public override nn.Module<Tensor, Tensor> CreateModule(Shape input) => new FunctionModule(Name, x => x * 3);
        }

        [Fact]
        public void Should_TakeLibtorchsThreadCountAndCallTheHook_When_OptionsAreDefaultOrGiven()
        {
            using var model = TestModels.SmallBatchNormNet().Build(ComputeDevice.Cpu);
            using (var predictor = model.ToOnnxPredictor()) Assert.Equal(torch.get_num_threads(), predictor.IntraOpThreads);

            int seen = 0;
            var options = new OnnxPredictorOptions
            {
                IntraOpThreads = 1,
                AllowSpinning = false,
                OptimizationLevel = Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_DISABLE_ALL,
                ConfigureSession = s => seen = s.IntraOpNumThreads,
            };
            using var single = model.ToOnnxPredictor(options);
            Assert.Equal(1, single.IntraOpThreads);
            Assert.Equal(1, seen);
            using var scope = NewDisposeScope();
            var x = rand(2, 1, 28, 28);
            AssertClose(model.Predict(x), single.Predict(x), "one thread, no graph optimization");
        }

        [Fact]
        public void Should_NameTheLayer_When_TheModelCannotBeExported()
        {
            using var model = OnnxTesting.Build(new Shape(4), new Dense(3), new Tripling("my_tripling"));
            var e = Assert.Throws<OnnxExportException>(() => model.ToOnnxPredictor());
            Assert.Equal("my_tripling", e.LayerName);
            Assert.Contains($"layer 'my_tripling' ({typeof(Tripling).FullName}) has no ONNX converter", e.Message);
        }
    }
}
