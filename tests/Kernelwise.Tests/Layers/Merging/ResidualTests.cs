using Kernelwise.Layers;
using Kernelwise;
using Kernelwise.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Layers.Merging;

public class ResidualTests
{
    private static Sequential BasicBlockNet(bool projection) => new Sequential(new Shape(4, 8, 8), "net")
        .Conv2D(8, 3, padding: 1, useBias: false)
        .Residual(b => b.Conv2D(8, 3, padding: 1, useBias: false).BatchNormalization().ReLU().Conv2D(8, 3, padding: 1, useBias: false).BatchNormalization(),
            activation: Activation.ReLU)
        .Residual(b => b.Conv2D(16, 3, strides: 2, padding: 1, useBias: false).BatchNormalization(),
            shortcut: projection ? s => s.Conv2D(16, 1, strides: 2, useBias: false).BatchNormalization() : null,
            activation: Activation.ReLU)
        .GlobalAveragePooling2D()
        .Dense(3);

    public class Shapes
    {
        [Fact]
        public void Should_NameTheBlockAndBothShapes_When_TheIdentityShortcutDoesNotFit()
        {
            var e = Assert.Throws<ModelBuildException>(() => BasicBlockNet(projection: false).Summary());
            Assert.Equal("residual_1", e.LayerName);
            Assert.Equal(
                "Residual block 'residual_1' cannot add its paths for input (None, 8, 8, 8): the main path outputs (None, 16, 4, 4) but the identity shortcut passes the input (None, 8, 8, 8); " +
                "both must have the same shape. Give the block a projection shortcut, e.g. shortcut: s => s.Conv2D(16, 1, strides: 2).BatchNormalization().",
                e.Message);
        }

        [Fact]
        public void Should_NameBothPaths_When_AProjectionShortcutHasTheWrongShape()
        {
            var builder = new Sequential(new Shape(4, 8, 8))
                .Residual(b => b.Conv2D(8, 3, strides: 2, padding: 1), shortcut: s => s.Conv2D(8, 1), name: "down");
            var e = Assert.Throws<ModelBuildException>(() => builder.Summary());
            Assert.Equal("Residual block 'down' cannot add its paths for input (None, 4, 8, 8): the main path outputs (None, 8, 4, 4) but the shortcut path outputs (None, 8, 8, 8); both must have the same shape.", e.Message);
        }

        [Fact]
        public void Should_NameTheInnerLayerAndTheBlock_When_ALayerOnAPathCannotFit()
        {
            var builder = new Sequential(new Shape(4, 3, 3)).Residual(b => b.Conv2D(4, 5), name: "block");
            var e = Assert.Throws<ModelBuildException>(() => builder.Summary());
            Assert.Equal("conv2d", e.LayerName);
            Assert.EndsWith("(in the main path of residual block 'block')", e.Message);
            Assert.Contains("kernel 5 is larger than the padded input 3", e.Message);
        }

        [Fact]
        public void Should_RejectAnEmptyMainPath_When_Created()
        {
            var e = Assert.Throws<ArgumentException>(() => new Sequential(new Shape(4, 8, 8)).Residual(b => b));
            Assert.StartsWith("Invalid value for argument main of Residual. Expected at least one layer on the main path.", e.Message);
        }
    }

    public class Summary
    {
        [Fact]
        public void Should_ShowThePathsAndTheirLayersIndented_When_Rendered()
        {
            var summary = BasicBlockNet(projection: true).Summary();
            var rows = summary.Rows.Select(r => (r.Layer.Name, r.Layer.TypeName, r.Depth)).ToArray();
            Assert.Equal(new (string, string, int)[]
            {
                ("conv2d", "Conv2D", 0),
                ("residual", "Residual", 0),
                ("main", "Branch", 1),
                ("conv2d_1", "Conv2D", 2), ("batch_normalization", "BatchNormalization", 2), ("relu", "ReLU", 2),
                ("conv2d_2", "Conv2D", 2), ("batch_normalization_1", "BatchNormalization", 2),
                ("residual_1", "Residual", 0),
                ("main", "Branch", 1),
                ("conv2d_3", "Conv2D", 2), ("batch_normalization_2", "BatchNormalization", 2),
                ("shortcut", "Branch", 1),
                ("conv2d_4", "Conv2D", 2), ("batch_normalization_3", "BatchNormalization", 2),
                ("global_average_pooling2d", "GlobalAveragePooling2D", 0),
                ("dense", "Dense", 0),
            }, rows);
            string text = summary.ToString();
            Assert.Contains("\nresidual_1 (Residual)", text);
            Assert.Contains("\n  shortcut (Branch)", text);
            Assert.Contains("\n    conv2d_4 (Conv2D)", text);
        }

        [Fact]
        public void Should_CountTheParametersOfBothPaths_When_Summarised()
        {
            var summary = BasicBlockNet(projection: true).Summary();
            var block = summary.Rows.Single(r => r.Layer.Name == "residual_1");
            // main: 8·16·9 + BN 2·16 (+2·16); shortcut: 8·16 + BN 2·16 (+2·16)
            Assert.Equal(new ParameterCount(1152 + 32 + 128 + 32, 64), block.Parameters);
            long expected = 4 * 8 * 9 + (2 * 8 * 8 * 9 + 2 * 16) + (1152 + 32 + 128 + 32) + 16 * 3 + 3;
            Assert.Equal(expected, summary.Totals.Trainable);
            Assert.Equal(expected, summary.PyTorchParameterCount);
            using var model = BasicBlockNet(projection: true).Build(ComputeDevice.Cpu);
            Assert.Equal(expected, model.Network.parameters().Sum(p => p.numel()));
        }

        [Fact]
        public void Should_GrowTheReceptiveFieldThroughTheMainPath_When_Summarised()
        {
            var summary = BasicBlockNet(projection: true).Summary();
            // conv 3×3 → 3; block with two 3×3 convs → 7; inside the block, the first conv sees 5 and the second 7.
            Assert.Equal(new[] { 3, 3 }, summary.Rows.Single(r => r.Layer.Name == "conv2d").ReceptiveField);
            Assert.Equal(new[] { 5, 5 }, summary.Rows.Single(r => r.Layer.Name == "conv2d_1").ReceptiveField);
            Assert.Equal(new[] { 7, 7 }, summary.Rows.Single(r => r.Layer.Name == "residual").ReceptiveField);
            // strided block: 7 + 2·1 = 9, jump 2
            var down = summary.Rows.Single(r => r.Layer.Name == "residual_1");
            Assert.Equal(new[] { 9, 9 }, down.ReceptiveField);
            Assert.Equal(new[] { 2, 2 }, down.Jump);
        }
    }

    public class Module
    {
        [Fact]
        public void Should_NestStateDictNamesUnderTheBlockAndPath_When_Built()
        {
            using var model = BasicBlockNet(projection: true).Build(ComputeDevice.Cpu);
            var names = model.Network.state_dict().Keys.ToHashSet();
            Assert.Contains("residual.main.conv2d_1.weight", names);
            Assert.Contains("residual.main.batch_normalization.running_mean", names);
            Assert.Contains("residual_1.shortcut.conv2d_4.weight", names);
            Assert.Contains("residual_1.shortcut.batch_normalization_3.num_batches_tracked", names);
        }

        [Fact]
        public void Should_AddTheMainPathToTheInputThenApplyTheActivation_When_RunForward()
        {
            using var model = new Sequential(new Shape(2, 5, 5))
                .Residual(b => b.Conv2D(2, 3, padding: 1, name: "c"), activation: Activation.ReLU, name: "block")
                .Build(ComputeDevice.Cpu);
            using var scope = NewDisposeScope();
            var x = randn(3, 2, 5, 5);
            var y = model.GraphModule.forward(x);
            var c = model.Network.named_modules().Single(m => m.name == "block.main.c").module;
            var expected = nn.functional.relu(((nn.Module<Tensor, Tensor>)c).forward(x) + x);
            Assert.True(y.allclose(expected, rtol: 1e-5, atol: 1e-6));
            Assert.False(x.IsInvalid); // the input is not disposed
        }

        [Fact]
        public void Should_SendGradientsThroughBothPaths_When_Trained()
        {
            using var model = BasicBlockNet(projection: true).Build(ComputeDevice.Cpu);
            using var scope = NewDisposeScope();
            var x = randn(4, 4, 8, 8);
            var loss = model.GraphModule.forward(x).pow(2).mean();
            loss.backward();
            foreach (var (name, p) in model.Network.named_parameters())
            {
                Assert.NotNull(p.grad);
                Assert.True(p.grad!.abs().sum().item<float>() > 0, $"{name} received no gradient");
            }
        }

        [Fact]
        public void Should_LearnAndKeepNativeMemoryFlat_When_FittedForTwoEpochs()
        {
            using var data = SyntheticData.Blocks(128, classes: 4, size: 8, seed: 1);
            using var model = new Sequential(new Shape(1, 8, 8))
                .Conv2D(8, 3, padding: 1, activation: Activation.ReLU)
                .Residual(b => b.Conv2D(8, 3, padding: 1, useBias: false).BatchNormalization().ReLU().Conv2D(8, 3, padding: 1), activation: Activation.ReLU)
                .Branches(b => b.Conv2D(4, 1), b => b.MaxPooling2D(3, strides: 1, padding: 1))
                .GlobalAveragePooling2D()
                .Dense(4)
                .Build(ComputeDevice.Cpu);
            model.Compile(new Adam(0.01), new CrossEntropy(), new Kernelwise.Accuracy());
            model.Fit(data, epochs: 1, batchSize: 32, seed: 3, verbose: 0);
            long live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            var history = model.Fit(data, epochs: 6, batchSize: 32, seed: 3, verbose: 0, initialEpoch: 1);
            Assert.Equal(live, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
            Assert.True(history["loss"][^1] < history["loss"][0], $"loss went from {history["loss"][0]} to {history["loss"][^1]}");
        }
    }
}
