using Kernelwise.Layers;
using Kernelwise.Models;
using Kernelwise.Zoo;
using TorchSharp;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Zoo;

public class TorchvisionTests
{
    /// <summary>Fills every floating tensor (running statistics included) with fresh random values, so a copy is detectable.</summary>
    private static void Randomize(Model model, int seed)
    {
        manual_seed(seed);
        using var _ = no_grad();
        foreach (var (name, t) in model.Network.state_dict())
        {
            if (name.EndsWith("num_batches_tracked", StringComparison.Ordinal)) t.fill_(seed);
            else if (name.EndsWith("running_var", StringComparison.Ordinal)) t.uniform_(0.5, 1.5);
            else t.normal_(0, 0.05);
        }
    }

    public class NamesAndShapes
    {
        public static IEnumerable<object[]> Architectures() => new List<object[]> { new object[] { "resnet18" }, new object[] { "alexnet" }, new object[] { "googlenet" } };

        private static nn.Module<Tensor, Tensor> TorchvisionModel(string name) => name switch
        {
            "resnet18" => torchvision.models.resnet18(),
            "alexnet" => torchvision.models.alexnet(),
            "googlenet" => torchvision.models.googlenet(),
            _ => throw new ArgumentException(name),
        };

        [Theory]
        [MemberData(nameof(Architectures))]
        public void Should_MatchTorchvisionsKeysShapesAndOutputs_When_LoadingItsStateDict(string name)
        {
            int size = name == "googlenet" ? 88 : 64; // 88 sends GoogLeNet's ceil-mode poolings through even and odd sizes (44, 22, 11, 5)
            using var reference = TorchvisionModel(name);
            using var model = ParameterCountTests.ImageNetModel(name, size).Build(ComputeDevice.Cpu);
            var theirs = reference.state_dict();
            var ours = model.Network.state_dict();
            var names = Torchvision.TorchvisionNames(model);
            Assert.Equal(theirs.Keys.OrderBy(k => k, StringComparer.Ordinal), names.Values.OrderBy(k => k, StringComparer.Ordinal));
            foreach (var (key, tv) in names) Assert.True(ours[key].shape.SequenceEqual(theirs[tv].shape), $"{key} ↔ {tv}");

            // Same weights, same function: ceil-mode pooling, paddings and block wiring agree with torchvision's.
            Torchvision.LoadStateDict(model, theirs);
            using var scope = NewDisposeScope();
            manual_seed(7);
            var x = randn(2, 3, size, size);
            reference.eval();
            model.Network.eval();
            var expected = reference.call(x);
            var actual = model.GraphModule.call(x);
            Assert.Equal(expected.shape, actual.shape);
            Assert.True(actual.allclose(expected, rtol: 1e-4, atol: 1e-5), $"max difference {(actual - expected).abs().max().item<float>()}");
        }
    }

    public class RoundTrip
    {
        public static IEnumerable<object[]> Models() => new List<object[]>
        {
            new object[] { "lenet5" }, new object[] { "alexnet_small" }, new object[] { "vgg11_bn_small" },
            new object[] { "googlenet_aux" }, new object[] { "resnet18" }, new object[] { "resnet50_small" },
        };

        private static Sequential Define(string name) => name switch
        {
            "lenet5" => LeNet.LeNet5(),
            "alexnet_small" => AlexNet.Create(10, 1, 28),
            "vgg11_bn_small" => Vgg.Create(11, batchNorm: true, numClasses: 10, inputChannels: 3, inputSize: 32),
            "googlenet_aux" => GoogLeNet.Create(auxiliaryOutputs: new AuxiliaryOutputs()),
            "resnet18" => ResNet.Create(18),
            "resnet50_small" => ResNet.Create(50, numClasses: 10, inputChannels: 3, inputSize: 32, width: 16),
            _ => throw new ArgumentException(name),
        };

        [Theory]
        [MemberData(nameof(Models))]
        public void Should_ReproduceEveryTensor_When_ExportedAndLoadedIntoAFreshModel(string name)
        {
            using var source = Define(name).Build(ComputeDevice.Cpu);
            using var target = Define(name).Build(ComputeDevice.Cpu);
            Randomize(source, 1);
            Randomize(target, 2);
            var exported = Torchvision.ExportStateDict(source);
            try
            {
                Assert.Equal(source.Network.state_dict().Count, exported.Count);
                Torchvision.LoadStateDict(target, exported);
            }
            finally
            {
                foreach (var t in exported.Values) t.Dispose();
            }
            var a = source.Network.state_dict();
            var b = target.Network.state_dict();
            Assert.Equal(a.Keys, b.Keys);
            foreach (var key in a.Keys) Assert.True(a[key].equal(b[key]).all().item<bool>(), $"{key} differs after the round trip");
        }

        [Theory]
        [InlineData(".safetensors")]
        [InlineData(".pth")]
        public void Should_ReproduceEveryTensor_When_RoundTrippedThroughAFile(string extension)
        {
            var path = Path.Combine(Path.GetTempPath(), $"kernelwise-resnet-{Guid.NewGuid():N}{extension}");
            try
            {
                using var source = ResNet.Create(18, numClasses: 10, inputChannels: 1, inputSize: 28, width: 8).Build(ComputeDevice.Cpu);
                using var target = ResNet.Create(18, numClasses: 10, inputChannels: 1, inputSize: 28, width: 8).Build(ComputeDevice.Cpu);
                Randomize(source, 3);
                Torchvision.SaveWeights(source, path);
                Torchvision.LoadWeights(target, path);
                var a = source.Network.state_dict();
                var b = target.Network.state_dict();
                foreach (var key in a.Keys) Assert.True(a[key].equal(b[key]).all().item<bool>(), $"{key} differs after the round trip");
                Assert.Equal(ScalarType.Int64, b["layer1_0.main.layer1_0_bn1.num_batches_tracked"].dtype);
            }
            finally
            {
                File.Delete(path);
            }
        }
    }

    public class Errors
    {
        [Fact]
        public void Should_ListMissingMismatchedAndUnexpectedKeysAndKeepTheModel_When_TheStateDictDoesNotFit()
        {
            using var small = ResNet.Create(18, numClasses: 10, inputChannels: 1, inputSize: 28, width: 8).Build(ComputeDevice.Cpu);
            using var other = ResNet.Create(18, numClasses: 5, inputChannels: 1, inputSize: 28, width: 8).Build(ComputeDevice.Cpu);
            var state = Torchvision.ExportStateDict(other);
            try
            {
                state.Remove("layer1.0.conv1.weight", out var removed);
                removed!.Dispose();
                state["aux1.fc2.bias"] = zeros(5);
                using var before = small.Network.state_dict()["conv1.weight"].clone();
                var e = Assert.Throws<InvalidDataException>(() => Torchvision.LoadStateDict(small, state));
                Assert.StartsWith("Cannot load the torchvision state dict into model 'resnet18': 4 problem(s): ", e.Message);
                Assert.Contains("missing 'layer1.0.conv1.weight' (for 'layer1_0.main.layer1_0_conv1.weight', shape [8, 8, 3, 3])", e.Message);
                Assert.Contains("'fc.weight' has shape [5, 64] but 'fc.weight' needs [10, 64]", e.Message);
                Assert.Contains("'fc.bias' has shape [5] but 'fc.bias' needs [10]", e.Message);
                Assert.Contains("unexpected 'aux1.fc2.bias'", e.Message);
                Assert.True(small.Network.state_dict()["conv1.weight"].equal(before).all().item<bool>(), "a failed load changed the model");
            }
            finally
            {
                foreach (var t in state.Values) t.Dispose();
            }
        }

        [Fact]
        public void Should_LoadEveryOtherTensorAndKeepTheModelsCounters_When_AnOlderFileHasNoBatchCounters()
        {
            using var source = ResNet.Create(18, numClasses: 10, inputChannels: 1, inputSize: 28, width: 8).Build(ComputeDevice.Cpu);
            using var model = ResNet.Create(18, numClasses: 10, inputChannels: 1, inputSize: 28, width: 8).Build(ComputeDevice.Cpu);
            Randomize(source, 4); // counters 4
            Randomize(model, 5);  // counters 5, every other tensor different from the source's
            var state = Torchvision.ExportStateDict(source);
            int counters = 0;
            try
            {
                foreach (var key in state.Keys.Where(k => k.EndsWith(".num_batches_tracked", StringComparison.Ordinal)).ToList())
                {
                    state.Remove(key, out var t);
                    t!.Dispose();
                    counters++;
                }
                Torchvision.LoadStateDict(model, state);
            }
            finally
            {
                foreach (var t in state.Values) t.Dispose();
            }
            Assert.True(counters > 0);
            var loaded = model.Network.state_dict();
            var expected = source.Network.state_dict();
            int kept = 0;
            foreach (var (key, value) in loaded)
            {
                if (key.EndsWith("num_batches_tracked", StringComparison.Ordinal))
                {
                    Assert.Equal(5L, value.item<long>()); // the model's own value stays, as PyTorch keeps it
                    kept++;
                }
                else
                {
                    Assert.True(value.equal(expected[key]).all().item<bool>(), $"{key} was not loaded");
                }
            }
            Assert.Equal(counters, kept);
        }

        [Fact]
        public void Should_NameTheFile_When_ASafetensorsFileIsTruncated()
        {
            var path = Path.Combine(Path.GetTempPath(), $"kernelwise-bad-{Guid.NewGuid():N}.safetensors");
            try
            {
                using var model = LeNet.LeNet5().Build(ComputeDevice.Cpu);
                Torchvision.SaveWeights(model, path);
                var bytes = File.ReadAllBytes(path);
                File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
                var e = Assert.ThrowsAny<IOException>(() => Torchvision.LoadWeights(model, path));
                Assert.Contains(path, e.Message);
            }
            finally
            {
                File.Delete(path);
            }
        }

        [Fact]
        public void Should_NameTheFileInTheProblemList_When_AFileDoesNotFitTheModel()
        {
            var path = Path.Combine(Path.GetTempPath(), $"kernelwise-lenet-{Guid.NewGuid():N}.safetensors");
            try
            {
                using var lenet = LeNet.LeNet5().Build(ComputeDevice.Cpu);
                using var other = LeNet.LeNet5(numClasses: 5).Build(ComputeDevice.Cpu);
                Torchvision.SaveWeights(other, path);
                var e = Assert.Throws<InvalidDataException>(() => Torchvision.LoadWeights(lenet, path));
                Assert.Contains("'fc3.weight' has shape [5, 84] but 'fc3.weight' needs [10, 84]", e.Message);
                Assert.EndsWith($"File: '{path}'.", e.Message);
            }
            finally
            {
                File.Delete(path);
            }
        }

        [Fact]
        public void Should_MapNestedKeysByTheirLayerName_When_ComputingTorchvisionNames()
        {
            var names = Torchvision.TorchvisionNames(new[]
            {
                "conv1.weight", "layer2_0.shortcut.layer2_0_downsample_1.running_var", "inception3a.branch_1.inception3a_branch2_0_conv.weight", "aux1.head.aux1_fc2.bias",
            });
            Assert.Equal("conv1.weight", names["conv1.weight"]);
            Assert.Equal("layer2.0.downsample.1.running_var", names["layer2_0.shortcut.layer2_0_downsample_1.running_var"]);
            Assert.Equal("inception3a.branch2.0.conv.weight", names["inception3a.branch_1.inception3a_branch2_0_conv.weight"]);
            Assert.Equal("aux1.fc2.bias", names["aux1.head.aux1_fc2.bias"]);
        }
    }
}
