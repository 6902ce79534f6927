using Kernelwise.Data;
using Kernelwise.Models;
using Kernelwise.Tests.Data;
using Kernelwise.Training;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Training;

/// <summary>The engine's contract: how training ends, what it checks on the host, what it reads from the device, and the step functions.</summary>
public class EngineTests
{
    private static Sequential Net(int classes = 4) => new Sequential(new Shape(1, 12, 12), "net")
        .Conv2D(4, 3, activation: Activation.ReLU)
        .MaxPooling2D(2)
        .Flatten()
        .Dense(classes);

    public class Outcome
    {
        [Fact]
        public void Should_SayCompleted_When_EveryEpochRan()
        {
            using var data = SyntheticData.Blocks(64, seed: 1);
            using var model = Net().Build(ComputeDevice.Cpu).Compile(new SGD(0.05), new CrossEntropy());
            var history = model.Fit(data, epochs: 2, batchSize: 16, verbose: 0);
            Assert.Equal(TrainingOutcome.Completed, history.Outcome);
            Assert.Equal(1, history.StoppedEpoch);
            Assert.Equal(3, history.StoppedBatch);
            Assert.Null(history.StopReason);
        }

        [Fact]
        public void Should_NameTheCallbackAndTheEpoch_When_EarlyStoppingEndsTraining()
        {
            using var data = SyntheticData.Blocks(64, seed: 1);
            using var model = Net().Build(ComputeDevice.Cpu).Compile(new SGD(1e-9), new CrossEntropy());
            // A rate too small to change the loss: no improvement beyond minDelta after the first epoch.
            var history = model.Fit(data, epochs: 10, batchSize: 16, verbose: 0, callbacks: new[] { new EarlyStopping("loss", minDelta: 0.1, patience: 1) });
            Assert.Equal(TrainingOutcome.StoppedEarly, history.Outcome);
            Assert.Equal(1, history.StoppedEpoch);
            Assert.StartsWith("EarlyStopping: loss did not improve for 1 epoch(s)", history.StopReason);
            Assert.Contains("stopped early in epoch 2", history.Summary);
        }

        [Fact]
        public void Should_SayInterruptedAtWhichBatch_When_TheCancellationTokenIsCancelled()
        {
            using var data = SyntheticData.Blocks(64, seed: 1);
            using var model = Net().Build(ComputeDevice.Cpu).Compile(new SGD(0.05), new CrossEntropy());
            using var cts = new CancellationTokenSource();
            var cancelAfterTwo = new LambdaCallback(onTrainBatchEnd: (batch, _) => { if (batch == 1) cts.Cancel(); });
            var history = model.Fit(data, epochs: 3, batchSize: 16, verbose: 0, callbacks: new[] { cancelAfterTwo }, cancellationToken: cts.Token);
            Assert.Equal(TrainingOutcome.Interrupted, history.Outcome);
            Assert.Equal(0, history.StoppedEpoch);
            Assert.Equal(1, history.StoppedBatch);
            Assert.Contains("cancellation token", history.StopReason);
            Assert.Empty(history.Epochs);
        }

        [Fact]
        public void Should_StopAndSaySo_When_TheLossBecomesNonFinite()
        {
            using var data = SyntheticData.Blocks(64, seed: 1);
            manual_seed(6);
            using var model = Net().Build(ComputeDevice.Cpu).Compile(new SGD(1e38), new CrossEntropy());
            var output = new StringWriter();
            var history = model.Fit(data, epochs: 5, batchSize: 16, verbose: 0, callbacks: new[] { new ProgressBar(output, live: false) });
            Assert.Equal(TrainingOutcome.NonFiniteLoss, history.Outcome);
            Assert.Equal(0, history.StoppedEpoch);
            Assert.Single(history.Epochs);
            Assert.Contains("Warning: Stopping: the training loss of epoch 1 is", output.ToString());
        }
    }

    public class Targets
    {
        [Fact]
        public void Should_NameTheLargestLabelTheOutputsAndTheLastLayer_When_LabelsExceedTheModelsOutputs()
        {
            // Data with 10 classes, a model with 5 outputs.
            using var data = new TensorDataset(rand(32, 1, 12, 12), arange(32, dtype: ScalarType.Int64) % 10);
            using var model = Net(classes: 5).Build(ComputeDevice.Cpu).Compile(new Adam(), new CrossEntropy());
            var e = Assert.Throws<ArgumentException>(() => model.Fit(data, epochs: 1, batchSize: 32, verbose: 0));
            Assert.Contains("class index 9", e.Message);
            Assert.Contains("5 classes", e.Message);
            Assert.Contains("last layer 'dense' (Dense, 5 units)", e.Message);
            Assert.DoesNotContain("out of bounds", e.Message);
            var evaluate = Assert.Throws<ArgumentException>(() => model.Evaluate(data));
            Assert.StartsWith("Evaluate: the targets hold class index 9", evaluate.Message);
        }

        [Fact]
        public void Should_NameTheNegativeLabel_When_ALabelIsBelowZero()
        {
            using var data = new TensorDataset(rand(8, 1, 12, 12), tensor(new long[] { 0, 1, -1, 2, 0, 1, 2, 3 }));
            using var model = Net().Build(ComputeDevice.Cpu).Compile(new Adam(), new CrossEntropy());
            var e = Assert.Throws<ArgumentException>(() => model.Fit(data, epochs: 1, batchSize: 8, verbose: 0));
            Assert.Contains("class index -1", e.Message);
        }
    }

    public class DeviceReads
    {
        private sealed class CountingMetric : Metric
        {
            private readonly Accuracy _inner = new();

            public int Results { get; private set; }

            public override string Name => "counted";

            public override void Reset() => _inner.Reset();

            public override void Update(Tensor predictions, Tensor targets) => _inner.Update(predictions, targets);

            public override double Result()
            {
                Results++;
                return _inner.Result();
            }

            public override Metric Clone() => this; // share the counter between the engine's copy and the test
        }

        [Fact]
        public void Should_ReadMetricsOncePerEpoch_When_NoCallbackAsksDuringTheEpoch()
        {
            using var data = SyntheticData.Blocks(128, seed: 2);
            var metric = new CountingMetric();
            using var model = Net().Build(ComputeDevice.Cpu).Compile(new SGD(0.05), new CrossEntropy(), metric);
            model.Fit(data, epochs: 2, batchSize: 16, verbose: 0);
            Assert.Equal(2, metric.Results); // 8 steps per epoch, one read at each epoch's end
        }

        [Fact]
        public void Should_ComputeALogValueOnlyWhenRead_When_ItIsLazy()
        {
            int computed = 0;
            var logs = new Logs();
            logs.SetLazy("loss", () => { computed++; return 0.5; });
            Assert.Equal(0, computed);
            Assert.True(logs.ContainsKey("loss"));
            Assert.Equal(0.5, logs["loss"]);
            Assert.Equal(0.5, logs["loss"]);
            Assert.Equal(1, computed);
        }
    }

    public class Steps
    {
        /// <summary>Sharpness-aware minimisation (Foret et al., 2020): two forward and backward passes per step.</summary>
        private sealed class CountingModel : Model
        {
            public CountingModel(Sequential definition) : base(definition, ComputeDevice.Cpu)
            {
            }

            public int TrainSteps { get; private set; }

            public int ForwardPasses { get; private set; }

            protected override void TrainStep(StepContext step)
            {
                TrainSteps++;
                var outputs = Call(step.Inputs);
                ForwardPasses++;
                var loss = step.ComputeLoss(outputs);
                step.Backward(loss);
                step.ApplyGradients();
                step.Record(loss, outputs);
            }
        }

        /// <summary>The training step of examples/custom-train-step.cs: sharpness-aware minimisation.</summary>
        private sealed class SharpnessAwareModel(Sequential definition, double rho) : Model(definition, ComputeDevice.Cpu)
        {
            protected override void TrainStep(StepContext step)
            {
                var outputs = Call(step.Inputs);
                var loss = step.ComputeLoss(outputs);
                step.Backward(loss);
                var weights = Network.parameters().Where(p => p.grad is not null).ToList();
                var norm = stack(weights.Select(p => p.grad!.norm()).ToArray()).norm();
                var climbs = new List<Tensor>();
                using (no_grad())
                {
                    foreach (var p in weights)
                    {
                        var e = p.grad! * (rho / (norm.item<float>() + 1e-12));
                        p.add_(e);
                        climbs.Add(e);
                    }
                }
                step.ZeroGradients();
                step.Backward(step.ComputeLoss(Call(step.Inputs)));
                using (no_grad())
                {
                    for (int i = 0; i < weights.Count; i++) weights[i].sub_(climbs[i]);
                }
                step.ApplyGradients();
                step.Record(loss, outputs);
            }
        }

        [Fact]
        public void Should_UpdateWithTheGradientAtTheClimbedWeights_When_AStepRunsTwoForwardAndBackwardPasses()
        {
            manual_seed(5);
            var definition = new Sequential(new Shape(3), "linear").Dense(2);
            using var model = new SharpnessAwareModel(definition, rho: 0.5);
            model.Compile(new SGD(0.1), new CrossEntropy());
            using var x = randn(4, 3);
            using var y = tensor(new long[] { 0, 1, 1, 0 });
            var w0 = model.Network.state_dict()["dense.weight"].detach().clone();
            var b0 = model.Network.state_dict()["dense.bias"].detach().clone();
            // By hand: g at w; ε = ρ·g/‖g‖ over both tensors; g' at w + ε; w ← w − lr·g'.
            Tensor Loss(Tensor w, Tensor b) => nn.functional.cross_entropy(nn.functional.linear(x, w, b), y);
            var w = w0.clone().requires_grad_(true);
            var b = b0.clone().requires_grad_(true);
            Loss(w, b).backward();
            var norm = stack(new[] { w.grad!.norm(), b.grad!.norm() }).norm();
            var w1 = (w0 + w.grad! * 0.5 / norm).detach().requires_grad_(true);
            var b1 = (b0 + b.grad! * 0.5 / norm).detach().requires_grad_(true);
            Loss(w1, b1).backward();
            var expectedW = w0 - 0.1 * w1.grad!;
            var expectedB = b0 - 0.1 * b1.grad!;

            using var data = new TensorDataset(x.clone(), y.clone());
            model.Fit(data, epochs: 1, batchSize: 4, shuffle: false, verbose: 0);
            Assert.True(model.Network.state_dict()["dense.weight"].allclose(expectedW, 1e-5, 1e-6));
            Assert.True(model.Network.state_dict()["dense.bias"].allclose(expectedB, 1e-5, 1e-6));
            // The plain gradient step lands elsewhere, so the test tells the two apart.
            Assert.False((w0 - 0.1 * w.grad!).allclose(expectedW, 1e-5, 1e-6));
        }

        [Fact]
        public void Should_RunTheOverriddenStep_When_FittingAndFindingALearningRate()
        {
            using var data = SyntheticData.Blocks(64, seed: 3);
            using var model = new CountingModel(Net());
            model.Compile(new Adam(1e-3), new CrossEntropy());
            model.Fit(data, epochs: 2, batchSize: 16, verbose: 0);
            Assert.Equal(8, model.TrainSteps);
            var result = model.FindLearningRate(data, steps: 6, batchSize: 16, seed: 1);
            Assert.Equal(14, model.TrainSteps); // the finder trains with Fit's step
            Assert.Equal(6, result.Rates.Count);
        }
    }

    public class ValidationSplit
    {
        /// <summary>Records the epoch of every batch context it receives and the loader options it was given.</summary>
        private sealed class ContextRecorder : Dataset
        {
            private readonly TensorDataset _data = SyntheticData.Blocks(40, seed: 4);

            public ContextRecorder() => LoaderOptions = new DataLoaderOptions(numWorkers: 1);

            public List<int> Epochs { get; } = new();

            public HashSet<int> Threads { get; } = new();

            public override long Count => _data.Count;

            public override (Tensor Input, Tensor Target) GetExample(long index) => _data.GetExample(index);

            public override Batch GetBatch(long[] indices, BatchContext context)
            {
                lock (Epochs)
                {
                    Epochs.Add(context.Epoch);
                    Threads.Add(Environment.CurrentManagedThreadId);
                }
                return _data.GetBatch(indices);
            }
        }

        [Fact]
        public void Should_PassEachEpochsAugmentationContextAndLoadOnWorkers_When_HoldingOutAValidationSplit()
        {
            var data = new ContextRecorder();
            using var model = Net().Build(ComputeDevice.Cpu).Compile(new SGD(0.05), new CrossEntropy());
            var history = model.Fit(data, epochs: 2, batchSize: 8, validationSplit: 0.2, verbose: 0);
            Assert.True(history.Contains("val_loss"));
            Assert.Contains(0, data.Epochs);
            Assert.Contains(1, data.Epochs); // the training part sees epoch 1's draws, not epoch 0's again
            Assert.DoesNotContain(Environment.CurrentManagedThreadId, data.Threads); // loaded on the worker threads
        }
    }

    public class Warnings
    {
        [Fact]
        public void Should_ReportASkippedFileThroughTheProgressOutput_When_ItFailsToLoadDuringFit()
        {
            using var dir = new TempDirectory();
            GeneratedImages.WriteFolder(dir.Path, new[] { "a", "b" }, perClass: 8, width: 12, height: 12);
            var folder = new ImageFolder(dir.Path, new ImageFolderOptions { OnBadFile = BadFilePolicy.Skip, ImageSize = (12, 12), ColorMode = ColorMode.Grayscale });
            string vanished = folder.Files[3].Path;
            File.Delete(vanished);
            using var model = Net(classes: 2).Build(ComputeDevice.Cpu).Compile(new SGD(0.05), new CrossEntropy());
            var output = new StringWriter();
            model.Fit(folder, epochs: 1, batchSize: 4, verbose: 0, callbacks: new[] { new ProgressBar(output, live: false) });
            string text = output.ToString();
            Assert.Contains($"Warning: Skipped {vanished}", text);
            Assert.True(text.IndexOf("Warning: Skipped", StringComparison.Ordinal) < text.IndexOf("Epoch 1/1", StringComparison.Ordinal), "reported as it happens, before the epoch line");
        }
    }
}
