using Kernelwise.Data;
using Kernelwise.Formats;
using Kernelwise.Layers;
using Kernelwise.Models;
using Kernelwise.Training;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Training;

/// <summary>Mixed precision: 16-bit compute with float32 master weights, float32 where it matters, float16 loss scaling.</summary>
public class MixedPrecisionTests
{
    private static Sequential Net() => new Sequential(new Shape(1, 12, 12), "mixed")
        .Conv2D(8, 3, padding: Padding.Same, activation: Activation.ReLU)
        .BatchNormalization()
        .MaxPooling2D(2)
        .Residual(b => b.Conv2D(8, 3, padding: 1).BatchNormalization().ReLU(), activation: Activation.ReLU)
        .Flatten()
        .Dense(16, Activation.ReLU)
        .Dense(4);

    [Theory]
    [InlineData("mixed-bfloat16", 0.05)]
    [InlineData("mixed-float16", 0.01)]
    public void Should_ComputeIn16BitsAndReturnFloat32CloseToFloat32_When_APolicyIsSet(string policy, double tolerance)
    {
        manual_seed(1);
        using var model = Net().Build(ComputeDevice.Cpu);
        model.GraphModule.eval();
        using var x = rand(5, 1, 12, 12);
        using var reference = model.Predict(x);
        model.PrecisionPolicy = PrecisionPolicy.Parse(policy);
        using var mixed = model.Predict(x);
        Assert.Equal(ScalarType.Float32, mixed.dtype);
        double difference = (mixed - reference).abs().max().item<float>();
        Assert.True(difference > 0, "the 16-bit compute path ran (outputs differ from float32)");
        Assert.True(difference < tolerance, $"largest difference {difference} under {policy}");
        Assert.All(model.Network.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype)); // master weights
    }

    [Fact]
    public void Should_ComputeALayerInFloat32_When_ItsOwnPolicySaysSo()
    {
        manual_seed(2);
        var definition = new Sequential(new Shape(6), "last_in_float32")
            .Dense(8, Activation.ReLU)
            .Add(new Dense(3, name: "logits") { PrecisionPolicy = PrecisionPolicy.Float32 });
        using var model = definition.Build(ComputeDevice.Cpu);
        model.PrecisionPolicy = PrecisionPolicy.MixedBFloat16;
        using var x = randn(4, 6);
        var (outputs, inner) = model.GraphModule.Forward(new[] { x }, new[] { "dense", "logits" });
        using (Autocast.Enter(ScalarType.BFloat16)) (outputs, inner) = model.GraphModule.Forward(new[] { x }, new[] { "dense", "logits" });
        Assert.Equal(ScalarType.BFloat16, inner["dense"].dtype);
        Assert.Equal(ScalarType.Float32, inner["logits"].dtype);
        foreach (var t in outputs.Concat(inner.Values)) t.Dispose();
    }

    [Fact]
    public void Should_TrainToTheSameAccuracyAsFloat32_When_MixedBFloat16()
    {
        using var data = SyntheticData.Blocks(256, seed: 3);
        double Train(PrecisionPolicy policy)
        {
            manual_seed(3);
            using var model = Net().Build(ComputeDevice.Cpu).Compile(new Adam(1e-2), new CrossEntropy(), new Accuracy());
            model.PrecisionPolicy = policy;
            var history = model.Fit(data, epochs: 4, batchSize: 32, seed: 3, verbose: 0);
            Assert.All(model.Network.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
            return model.Evaluate(data)["accuracy"];
        }
        double full = Train(PrecisionPolicy.Float32), mixed = Train(PrecisionPolicy.MixedBFloat16);
        Assert.True(full > 0.9, $"float32 accuracy {full}");
        Assert.True(Math.Abs(full - mixed) <= 0.03, $"float32 {full}, mixed bfloat16 {mixed}");
    }

    /// <summary>A model that multiplies the loss by infinity at chosen steps: its gradients overflow, as float16's can.</summary>
    private sealed class OverflowingModel(Sequential definition, params int[] overflowAt) : Model(definition, ComputeDevice.Cpu)
    {
        private int _step;

        public List<double> ScaleBefore { get; } = new();

        public List<bool> Stepped { get; } = new();

        protected override void TrainStep(StepContext step)
        {
            var outputs = Call(step.Inputs);
            var loss = step.ComputeLoss(outputs);
            ScaleBefore.Add(LossScaler!.Scale);
            step.Backward(overflowAt.Contains(_step++) ? loss * float.PositiveInfinity : loss);
            Stepped.Add(step.ApplyGradients());
            step.Record(loss, outputs);
        }
    }

    [Theory]
    [InlineData("mixed-float16", true)]
    [InlineData("mixed-bfloat16", false)]
    [InlineData("float32", false)]
    public void Should_WarnThatFloat16IsSlow_When_MixedFloat16TrainsOnTheCpu(string policy, bool warns)
    {
        using var data = SyntheticData.Blocks(16, seed: 2);
        manual_seed(2);
        using var model = Net().Build(ComputeDevice.Cpu).Compile(new SGD(0.01), new CrossEntropy());
        model.PrecisionPolicy = PrecisionPolicy.Parse(policy);
        var output = new StringWriter();
        model.Fit(data, epochs: 1, batchSize: 8, verbose: 2, callbacks: [new ProgressBar(output, live: false)]);
        Assert.Equal(warns, output.ToString().Contains("Warning: mixed-float16 on the CPU: libtorch has no fast float16 kernels there"));
    }

    [Fact]
    public void Should_SkipTheStepHalveTheScaleAndGrowItBack_When_GradientsOverflow()
    {
        using var data = SyntheticData.Blocks(64, seed: 4);
        manual_seed(4);
        using var model = new OverflowingModel(new Sequential(new Shape(1, 12, 12), "scaled").Flatten().Dense(4), overflowAt: new[] { 1, 2 });
        model.Compile(new SGD(0.1), new CrossEntropy());
        model.PrecisionPolicy = PrecisionPolicy.MixedFloat16;
        model.LossScaler = new LossScaler(initialScale: 1024, growthInterval: 3);
        var before = new List<Tensor>();
        var watcher = new LambdaCallback(onTrainBatchBegin: (_, _) => before.Add(TrainingHelpers.Weights(model)));
        model.Fit(data, epochs: 2, batchSize: 8, shuffle: false, callbacks: new[] { watcher }, verbose: 0);
        // Steps 1 and 2 overflow: skipped, scale halved each time; then 3 good steps double it.
        Assert.Equal(new[] { true, false, false, true, true, true, true, true }, model.Stepped.Take(8));
        Assert.Equal(new[] { 1024.0, 1024, 512, 256, 256, 256, 512, 512 }, model.ScaleBefore.Take(8));
        Assert.Equal(2, model.LossScaler!.SkippedSteps);
        Assert.True(TrainingHelpers.BitIdentical(before[1], before[2]), "a skipped step leaves the weights as they were");
        Assert.True(TrainingHelpers.BitIdentical(before[2], before[3]));
        Assert.False(TrainingHelpers.BitIdentical(before[3], before[4]), "a good step changes them");
        foreach (var t in before) t.Dispose();
    }

    [Fact]
    public void Should_KeepThePolicyAndTheScalerState_When_CheckpointedAndArchived()
    {
        using var data = SyntheticData.Blocks(64, seed: 5);
        string dir = TrainingHelpers.TempDir("kw-mixed-");
        manual_seed(5);
        using (var model = Net().Build(ComputeDevice.Cpu).Compile(new Adam(1e-3), new CrossEntropy()))
        {
            model.PrecisionPolicy = PrecisionPolicy.MixedFloat16;
            model.LossScaler = new LossScaler(initialScale: 256, growthInterval: 5);
            model.Fit(data, epochs: 1, batchSize: 8, verbose: 0, callbacks: new[] { new ModelCheckpoint(Path.Combine(dir, "c.kwckpt")) });
            Assert.Equal(512, model.LossScaler.Scale);
            model.Save(Path.Combine(dir, "m.kwmodel"));
        }
        using (var resumed = Net().Build(ComputeDevice.Cpu).Compile(new Adam(1e-3), new CrossEntropy()))
        {
            var refused = Assert.Throws<CheckpointException>(() => resumed.Fit(data, epochs: 2, batchSize: 8, verbose: 0, resumeFrom: Path.Combine(dir, "c.kwckpt")));
            Assert.Contains("precision mixed-float16", refused.Message);
            resumed.PrecisionPolicy = PrecisionPolicy.MixedFloat16;
            resumed.Fit(data, epochs: 2, batchSize: 8, verbose: 0, resumeFrom: Path.Combine(dir, "c.kwckpt"));
            // 512 and 3 good steps restored, then 8 more good steps: two more doublings (interval 5).
            Assert.Equal(2048, resumed.LossScaler!.Scale);
            Assert.Equal(1, resumed.LossScaler.GoodSteps);
        }
        using var loaded = Model.Load(Path.Combine(dir, "m.kwmodel"), ComputeDevice.Cpu);
        Assert.Equal(PrecisionPolicy.MixedFloat16, loaded.PrecisionPolicy);
    }
}
