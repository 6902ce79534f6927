using Kernelwise.Training;
using Kernelwise;
using Kernelwise.Layers;
using Kernelwise.Models;
using static Kernelwise.Tests.TrainingHelpers;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Training;

public class TrainerTests
{
    private static Model Build(Sequential net, Kernelwise.Optimizer optimizer, int seed = 1, Loss? loss = null)
    {
        manual_seed(seed);
        return net.Build(ComputeDevice.Cpu).Compile(optimizer, loss ?? new CrossEntropy(), new Accuracy());
    }

    private sealed class WeightWatcher : Callback
    {
        public List<Tensor> After { get; } = new();

        public override void OnTrainBegin(Logs logs) => After.Add(Weights(Model!));

        public override void OnTrainBatchEnd(int batch, Logs logs) => After.Add(Weights(Model!));
    }

    public class GradientClipping
    {
        [Fact]
        public void Should_MoveWeightsByExactlyTheClipNorm_When_GradientIsLarger()
        {
            using var data = SyntheticData.Blocks(16, seed: 1);
            using var model = Build(PlainNet(), new SGD(1.0) { ClipNorm = 0.01 });
            var watcher = new WeightWatcher();
            model.Fit(data, epochs: 1, batchSize: 16, shuffle: false, callbacks: new[] { watcher }, verbose: 0);
            using var step = watcher.After[1] - watcher.After[0];
            Assert.Equal(0.01, step.norm().item<double>(), 5);
        }

        [Fact]
        public void Should_BoundEveryChange_When_ClippingByValue()
        {
            using var data = SyntheticData.Blocks(16, seed: 2);
            using var model = Build(PlainNet(), new SGD(1.0) { ClipValue = 1e-3 });
            var watcher = new WeightWatcher();
            model.Fit(data, epochs: 1, batchSize: 16, shuffle: false, callbacks: new[] { watcher }, verbose: 0);
            using var step = (watcher.After[1] - watcher.After[0]).abs();
            Assert.Equal(1e-3, step.max().item<double>(), 6);
        }
    }

    public class GradientAccumulation
    {
        [Fact]
        public void Should_MatchOneLargeBatch_When_AccumulatingSmallBatches()
        {
            // 24 samples: batches of 16 and 8, versus batches of 8 accumulated in windows [8, 8] and [8].
            using var data = SyntheticData.Blocks(24, seed: 3);
            using var large = Build(PlainNet(), new SGD(0.5, momentum: 0.9));
            using var accumulated = Build(PlainNet(), new SGD(0.5, momentum: 0.9) { GradientAccumulationSteps = 2 });
            large.Fit(data, epochs: 2, batchSize: 16, shuffle: false, verbose: 0);
            accumulated.Fit(data, epochs: 2, batchSize: 8, shuffle: false, verbose: 0);
            using var a = Weights(large);
            using var b = Weights(accumulated);
            Assert.True(a.allclose(b, rtol: 1e-4, atol: 1e-6), $"max difference {(a - b).abs().max().item<double>()}");
            Assert.Equal(large.History["loss"][1], accumulated.History["loss"][1], 4);
        }

        [Fact]
        public void Should_UpdateOncePerWindow_When_Accumulating()
        {
            using var data = SyntheticData.Blocks(24, seed: 4);
            using var model = Build(PlainNet(), new SGD(0.1) { GradientAccumulationSteps = 2 });
            var watcher = new WeightWatcher();
            model.Fit(data, epochs: 1, batchSize: 8, shuffle: false, callbacks: new[] { watcher }, verbose: 0);
            Assert.True(BitIdentical(watcher.After[0], watcher.After[1]), "weights changed inside an accumulation window");
            Assert.False(BitIdentical(watcher.After[1], watcher.After[2]));
            Assert.False(BitIdentical(watcher.After[2], watcher.After[3]), "the last, shorter window was not applied");
        }
    }

    public class NativeMemory
    {
        [Fact]
        public void Should_KeepLiveTensorsFlat_When_CheckpointingAndSnapshottingEveryEpoch()
        {
            var dir = TempDir("kw-live-");
            try
            {
                using var data = SyntheticData.Blocks(48, seed: 91);
                using var model = Build(NoisyNet(), new Adam(0.01) { ClipNorm = 1 });
                var live = new List<long>();
                var callbacks = new Callback[]
                {
                    new Kernelwise.Training.LearningRateScheduler(new Kernelwise.CosineAnnealing(6, warmupSteps: 1)),
                    new EarlyStopping("loss", patience: 10, restoreBestWeights: true),
                    new ModelCheckpoint(Path.Combine(dir, "last.kwckpt")),
                    new ModelCheckpoint(Path.Combine(dir, "w.pt"), saveWeightsOnly: true),
                    new LambdaCallback(onEpochBegin: (_, _) => live.Add(TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount)),
                };
                model.Fit(data, epochs: 5, batchSize: 16, validationData: data, callbacks: callbacks, verbose: 0);
                Assert.Equal(5, live.Count);
                Assert.True(live[4] == live[2], $"live tensors at the start of each epoch: {string.Join(", ", live)}");
            }
            finally
            {
                Directory.Delete(dir, true);
            }
        }
    }
}
