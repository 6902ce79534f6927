using Kernelwise.Layers;
using Kernelwise.Models;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Kernelwise.Tests.Models;

/// <summary>
/// Model.GetActivations: the outputs of named layers — top-level and inside residual blocks and branches — for an input
/// in one forward pass, checked against the same sub-network computed by hand from the model's weights.
/// </summary>
public class LayerActivationsTests
{
    private static Dictionary<string, Tensor> Weights(Model model)
        => model.Network.state_dict().ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    private static void Close(Tensor expected, Tensor actual, string what)
    {
        Assert.Equal(expected.shape, actual.shape);
        double difference = (expected - actual).abs().max().item<float>();
        Assert.True(difference < 1e-5, $"{what}: largest difference {difference}");
    }

    public class Sequential_
    {
        [Fact]
        public void Should_EqualTheSubNetworkComputedByHand_When_LayersOfASequentialModelAreNamed()
        {
            manual_seed(11);
            using var model = new Sequential(new Shape(2, 10, 10))
                .Conv2D(4, 3, activation: Activation.ReLU)
                .MaxPooling2D(2)
                .Conv2D(6, 3, padding: Padding.Same)
                .Flatten()
                .Dense(3)
                .Build(ComputeDevice.Cpu);
            using var scope = NewDisposeScope();
            var x = randn(5, 2, 10, 10);
            var w = Weights(model);

            using var acts = model.GetActivations(x, "conv2d", "max_pooling2d", "conv2d_1", "dense");

            var conv = F.relu(F.conv2d(x, w["conv2d.weight"], w["conv2d.bias"]));
            var pooled = F.max_pool2d(conv, new long[] { 2, 2 });
            var conv1 = F.conv2d(pooled, w["conv2d_1.weight"], w["conv2d_1.bias"], padding: new long[] { 1, 1 });
            var dense = F.linear(conv1.flatten(1), w["dense.weight"], w["dense.bias"]);
            Close(conv, acts["conv2d"], "conv2d");
            Close(pooled, acts["max_pooling2d"], "max_pooling2d");
            Close(conv1, acts["conv2d_1"], "conv2d_1");
            Close(dense, acts["dense"], "dense");
            Close(dense, acts.Outputs[0], "the model's output from the same pass");
            Assert.Equal(new[] { "conv2d", "max_pooling2d", "conv2d_1", "dense" }, acts.Keys);
        }

        [Fact]
        public void Should_RunInInferenceModeWithoutGradientsAndRestoreTrainingMode_When_CalledDuringTraining()
        {
            manual_seed(12);
            using var model = new Sequential(new Shape(8))
                .Dense(16, Activation.ReLU)
                .Dropout(0.5)
                .Dense(2)
                .Build(ComputeDevice.Cpu);
            model.Network.train();
            using var scope = NewDisposeScope();
            var x = randn(64, 8);

            using var acts = model.GetActivations(x, "dropout", "dense_1");

            Assert.True(model.Network.training);
            var w = Weights(model);
            Close(F.relu(F.linear(x, w["dense.weight"], w["dense.bias"])), acts["dropout"], "dropout is the identity in inference mode");
            Assert.False(acts["dropout"].requires_grad);
            Assert.False(acts.Outputs[0].requires_grad);
        }
    }

    public class Functional
    {
        [Fact]
        public void Should_EqualTheSubNetworkComputedByHand_When_ATwoInputModelIsAskedForLayersAndAnInput()
        {
            manual_seed(13);
            var image = new Input(new Shape(1, 8, 8), "image");
            var meta = new Input(new Shape(3), "meta");
            var features = image.Conv2D(3, 3, activation: Activation.ReLU, name: "features").Flatten(name: "flat").Dense(4, name: "image_dense");
            var joined = Merge.Concatenate(features, meta.Dense(2, name: "meta_dense"));
            using var model = new Model(new[] { image, meta }, new[] { joined.Dense(2, name: "class") }, "two_inputs", ComputeDevice.Cpu);
            using var scope = NewDisposeScope();
            var x = randn(4, 1, 8, 8);
            var m = randn(4, 3);
            var w = Weights(model);

            using var acts = model.GetActivations(new[] { x, m }, new[] { "features", "concatenate", "meta" });

            var f = F.relu(F.conv2d(x, w["features.weight"], w["features.bias"]));
            var cat = cat_(F.linear(f.flatten(1), w["image_dense.weight"], w["image_dense.bias"]), F.linear(m, w["meta_dense.weight"], w["meta_dense.bias"]));
            Close(f, acts["features"], "features");
            Close(cat, acts["concatenate"], "concatenate");
            Close(m, acts["meta"], "the input 'meta'");
            Close(F.linear(cat, w["class.weight"], w["class.bias"]), acts.Outputs[0], "class");
        }

        private static Tensor cat_(Tensor a, Tensor b) => cat(new[] { a, b }, 1);

        [Fact]
        public void Should_GiveTheLastApplication_When_ASharedLayerIsNamed()
        {
            var left = new Input(new Shape(6), "left");
            var right = new Input(new Shape(6), "right");
            var shared = new Dense(5, name: "shared");
            using var model = new Model(new[] { left, right }, new[] { Merge.Add(shared.Apply(left), shared.Apply(right)) }, "siamese", ComputeDevice.Cpu);
            using var scope = NewDisposeScope();
            var a = randn(2, 6);
            var b = randn(2, 6);
            using var acts = model.GetActivations(new[] { a, b }, new[] { "shared" });
            var w = Weights(model);
            Close(F.linear(b, w["shared.weight"], w["shared.bias"]), acts["shared"], "the second application");
        }
    }

    public class Composites
    {
        /// <summary>conv2d → residual(main: conv2d_1, batch_normalization, re_lu, conv2d_2; shortcut: conv2d_3) → branches(branch_0: conv2d_4; branch_1: max_pooling2d) → GAP → dense.</summary>
        private static Model Network()
        {
            var model = new Sequential(new Shape(2, 8, 8))
                .Conv2D(4, 3, padding: 1, activation: Activation.ReLU)
                .Residual(b => b.Conv2D(6, 3, padding: 1, useBias: false).BatchNormalization().ReLU().Conv2D(6, 3, padding: 1),
                    shortcut: s => s.Conv2D(6, 1), activation: Activation.ReLU)
                .Branches(b => b.Conv2D(3, 1), b => b.MaxPooling2D(3, strides: 1, padding: 1))
                .GlobalAveragePooling2D()
                .Dense(3)
                .Build(ComputeDevice.Cpu);
            // Running statistics far from (0, 1), so inference mode shows.
            using (no_grad())
            {
                var w = model.Network.state_dict();
                w["residual.main.batch_normalization.running_mean"].copy_(randn(6));
                w["residual.main.batch_normalization.running_var"].copy_(rand(6) + 0.5);
            }
            return model;
        }

        [Fact]
        public void Should_EqualTheSubNetworkComputedByHand_When_LayersInsideResidualAndBranchesAreNamed()
        {
            manual_seed(14);
            using var model = Network();
            model.Network.train();
            using var scope = NewDisposeScope();
            var x = randn(3, 2, 8, 8);
            var w = Weights(model);

            using var acts = model.GetActivations(x,
                "residual.main.conv2d_1", "batch_normalization", "residual.main.conv2d_2", "conv2d_3", "residual", "branches.branch_0.conv2d_4",
                "max_pooling2d", "branches.branch_0", "branches");

            var pad = new long[] { 1, 1 };
            var c0 = F.relu(F.conv2d(x, w["conv2d.weight"], w["conv2d.bias"], padding: pad));
            var c1 = F.conv2d(c0, w["residual.main.conv2d_1.weight"], padding: pad);
            var bn = F.batch_norm(c1, w["residual.main.batch_normalization.running_mean"], w["residual.main.batch_normalization.running_var"],
                w["residual.main.batch_normalization.weight"], w["residual.main.batch_normalization.bias"], training: false, eps: 1e-5);
            var c2 = F.conv2d(F.relu(bn), w["residual.main.conv2d_2.weight"], w["residual.main.conv2d_2.bias"], padding: pad);
            var c3 = F.conv2d(c0, w["residual.shortcut.conv2d_3.weight"], w["residual.shortcut.conv2d_3.bias"]);
            var residual = F.relu(c2 + c3);
            var c4 = F.conv2d(residual, w["branches.branch_0.conv2d_4.weight"], w["branches.branch_0.conv2d_4.bias"]);
            var pooled = F.max_pool2d(residual, new long[] { 3, 3 }, new long[] { 1, 1 }, pad);
            var branches = cat(new[] { c4, pooled }, 1);
            var logits = F.linear(branches.mean(new long[] { 2, 3 }), w["dense.weight"], w["dense.bias"]);

            Close(c1, acts["residual.main.conv2d_1"], "residual.main.conv2d_1 (by path)");
            Close(bn, acts["batch_normalization"], "batch_normalization (by its unique name, in inference mode)");
            Close(c2, acts["residual.main.conv2d_2"], "residual.main.conv2d_2");
            Close(c3, acts["conv2d_3"], "the shortcut's conv2d_3");
            Close(residual, acts["residual"], "residual");
            Close(c4, acts["branches.branch_0.conv2d_4"], "branches.branch_0.conv2d_4");
            Close(pooled, acts["max_pooling2d"], "branch_1's max_pooling2d");
            Close(c4, acts["branches.branch_0"], "the path branches.branch_0 (its last layer)");
            Close(branches, acts["branches"], "branches");
            Close(logits, acts.Outputs[0], "the model's output");
            Assert.True(model.Network.training);
        }

        [Fact]
        public void Should_LetGradientsFlowFromTheOutputToANestedActivation_When_RecordGradientIsOn()
        {
            manual_seed(15);
            using var model = Network();
            using var scope = NewDisposeScope();
            var x = randn(2, 2, 8, 8);
            using var acts = model.GetActivations(new[] { x }, new[] { "branches" }, recordGradient: true);
            var a = acts["branches"];
            Assert.True(a.requires_grad);
            var score = acts.Outputs[0].select(1, 2).sum();
            var g = torch.autograd.grad(new[] { score }, new[] { a })[0];
            // logits = W · mean(a): ∂y₂/∂a[n, k, i, j] = W[2, k] / 64 for every position.
            var expected = (Weights(model)["dense.weight"][2] / 64).reshape(1, 9, 1, 1).expand(2, 9, 8, 8);
            Close(expected, g, "∂y₂/∂branches");
            Assert.All(model.Network.parameters(), p => Assert.Null(p.grad));
        }

        [Fact]
        public void Should_LeaveNoTensorAlive_When_TheActivationsAreDisposed()
        {
            manual_seed(16);
            using var model = Network();
            using var x = randn(2, 2, 8, 8);
            model.GetActivations(x, "conv2d_1", "conv2d_4").Dispose(); // the first call may create lasting state
            long live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            for (int i = 0; i < 5; i++)
            {
                using var acts = model.GetActivations(x, "conv2d_1", "residual.main", "conv2d_4", "branches");
                Assert.Equal(4, acts.Count);
            }
            using (var scope = NewDisposeScope())
            {
                var acts = model.GetActivations(x, "conv2d_1", "conv2d_4"); // not disposed: the caller's scope owns the tensors
                Assert.False(acts["conv2d_4"].IsInvalid);
            }
            Assert.Equal(live, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        }
    }

    public class Errors
    {
        [Fact]
        public void Should_ListTheLayersNestedOnesByPath_When_ANameIsUnknown()
        {
            using var model = new Sequential(new Shape(1, 6, 6)).Residual(b => b.Conv2D(1, 3, padding: 1)).Flatten().Build(ComputeDevice.Cpu);
            using var x = randn(1, 1, 6, 6);
            var e = Assert.Throws<ArgumentException>(() => model.GetActivations(x, "conv2d_9"));
            Assert.StartsWith("Model 'sequential' has no layer or input named 'conv2d_9'. Its inputs are: input; its layers (nested ones by path): residual, residual.main, residual.main.conv2d, flatten.", e.Message);
        }

        [Fact]
        public void Should_SayThePathIsTheIdentity_When_AnEmptyShortcutIsNamed()
        {
            using var model = new Sequential(new Shape(1, 6, 6)).Residual(b => b.Conv2D(1, 3, padding: 1), shortcut: s => s).Flatten().Build(ComputeDevice.Cpu);
            using var x = randn(1, 1, 6, 6);
            Assert.Throws<ArgumentException>(() => model.GetActivations(x, "flatten", "residual.shortcut"));
        }

        [Fact]
        public void Should_SayTheHeadDidNotRun_When_AnAuxiliaryHeadIsNamedInInferenceMode()
        {
            var outputs = new AuxiliaryOutputs();
            using var model = new Sequential(new Shape(4))
                .Dense(4)
                .AuxiliaryOutput(outputs, h => h.Dense(2, name: "aux"))
                .Dense(3)
                .Build(ComputeDevice.Cpu);
            using var x = randn(2, 4);
            var e = Assert.Throws<InvalidOperationException>(() => model.GetActivations(x, "aux"));
            Assert.Equal("Layer 'aux' of model 'sequential' did not run in this pass (inference mode: auxiliary heads run only in training), so it has no output to return.", e.Message);
        }

        [Fact]
        public void Should_AskForANameAndForTheModelsInputShape_When_CalledWrongly()
        {
            using var model = new Sequential(new Shape(4)).Dense(3).Build(ComputeDevice.Cpu);
            using var x = randn(2, 4);
            Assert.Throws<ArgumentException>(() => model.GetActivations(x));
            using var wrong = randn(2, 5);
            var e = Assert.Throws<ArgumentException>(() => model.GetActivations(wrong, "dense"));
            Assert.Equal("GetActivations received inputs of shape [2, 5]; model 'sequential' expects [batch, 4] (NCHW).", e.Message);
        }
    }
}
