using Kernelwise.Data;
using Kernelwise.Layers;
using Kernelwise;
using Kernelwise.Models;
using Kernelwise.Zoo;
using TorchSharp;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Zoo;

public class ZooModelTests
{
    public static IEnumerable<object[]> SmallModels() => new List<object[]>
    {
        // VGG-13 and 19 differ from 11 and 16 only in their configuration lists, which the parameter counts check.
        new object[] { "lenet5" }, new object[] { "alexnet" }, new object[] { "vgg11" }, new object[] { "vgg16_bn" },
        new object[] { "googlenet_aux" }, new object[] { "resnet18" }, new object[] { "resnet34" }, new object[] { "resnet50" },
    };

    /// <summary>Small-image variants at 28×28 (grey) or 32×32 (colour), 10 classes; ResNet-34/50 narrowed (same depth and wiring) to keep the test fast.</summary>
    private static (Sequential Model, Loss Loss, int Channels, int Size) Define(string name)
    {
        var ce = new CrossEntropy();
        switch (name)
        {
            case "lenet5": return (LeNet.LeNet5(10, 1, 28), ce, 1, 28);
            case "alexnet": return (AlexNet.Create(10, 1, 28), ce, 1, 28);
            case "googlenet_aux":
                var aux = new AuxiliaryOutputs();
                return (GoogLeNet.Create(10, 1, 28, auxiliaryOutputs: aux), new AuxiliaryLoss(ce, aux), 1, 28);
            case "resnet18": return (ResNet.Create(18, 10, 1, 28), ce, 1, 28);
            case "resnet34": return (ResNet.Create(34, 10, 3, 32, width: 8), ce, 3, 32);
            case "resnet50": return (ResNet.Create(50, 10, 1, 28, width: 8), ce, 1, 28);
            default:
                int depth = int.Parse(name[3..5]);
                return (Vgg.Create(depth, name.EndsWith("_bn", StringComparison.Ordinal), 10, 3, 32), ce, 3, 32);
        }
    }

    [Theory]
    [MemberData(nameof(SmallModels))]
    public void Should_RunForwardAndATrainingStep_When_SmallImageVariant(string name)
    {
        var (definition, loss, channels, size) = Define(name);
        using var model = definition.Build(ComputeDevice.Cpu);
        Assert.Equal(new Shape(10), model.OutputShape);
        manual_seed(11);
        using var data = new TensorDataset(randn(4, channels, size, size), tensor(new long[] { 0, 1, 2, 3 }));
        using var before = Flatten(model);
        model.Compile(new SGD(0.01), loss);
        var history = model.Fit(data, epochs: 1, batchSize: 4, verbose: 0);
        Assert.True(double.IsFinite(history["loss"][0]), $"loss {history["loss"][0]}");
        using var after = Flatten(model);
        Assert.False(before.allclose(after), "one training step left every weight unchanged");
        using var logits = model.Predict(data.Inputs);
        Assert.Equal(new long[] { 4, 10 }, logits.shape);
        Assert.True(logits.isfinite().all().item<bool>());
    }

    private static Tensor Flatten(Model model)
    {
        using var scope = NewDisposeScope();
        return cat(model.Network.parameters().Select(p => p.detach().flatten()).ToArray()).MoveToOuterDisposeScope();
    }

    public class Variants
    {
        [Fact]
        public void Should_PickTheSmallImageVariant_When_InputIsBelow64Pixels()
        {
            var small = ResNet.Create(18, 10, 1, 28).Summary();
            Assert.DoesNotContain(small.Rows, r => r.Layer.TypeName == "MaxPooling2D");
            Assert.Equal(new Shape(512, 4, 4), small.Rows.Last(r => r.Layer.Name == "layer4_1").Output);
            var imageNet = ResNet.Create(18, inputSize: 64).Summary();
            Assert.Contains(imageNet.Rows, r => r.Layer.TypeName == "MaxPooling2D");
            Assert.Equal(new Shape(512, 2, 2), imageNet.Rows.Last(r => r.Layer.Name == "layer4_1").Output);
        }

        [Fact]
        public void Should_SayWhichArchitectureAndSuggestTheSmallVariant_When_InputIsTooSmall()
        {
            var e = Assert.Throws<ModelBuildException>(() => AlexNet.Create(10, 1, 28, ZooVariant.ImageNet));
            Assert.StartsWith("AlexNet (ImageNet) cannot take 28×28 inputs: Layer '", e.Message);
            Assert.EndsWith("Use larger inputs, or variant: ZooVariant.SmallImages for 28×28 / 32×32 data.", e.Message);
        }

        [Fact]
        public void Should_NameTheArgument_When_ZooArgumentsAreInvalid()
        {
            Assert.Equal("Invalid value for argument depth of ResNet. Expected 18, 34 or 50. Received depth=101. (Parameter 'depth')",
                Assert.Throws<ArgumentOutOfRangeException>(() => ResNet.Create(101)).Message);
            Assert.Equal("Invalid value for argument depth of VGG. Expected 11, 13, 16 or 19. Received depth=12. (Parameter 'depth')",
                Assert.Throws<ArgumentOutOfRangeException>(() => Vgg.Create(12)).Message);
            Assert.StartsWith("Invalid value for argument numClasses. Expected a strictly positive value. Received numClasses=0.",
                Assert.Throws<ArgumentOutOfRangeException>(() => GoogLeNet.Create(numClasses: 0)).Message);
        }

        [Fact]
        public void Should_ReachTheInceptionModulesAt14And7And4_When_GoogLeNetSmallOn28x28()
        {
            var rows = GoogLeNet.Create(10, 1, 28).Summary().Rows;
            Assert.Equal(new Shape(480, 14, 14), rows.Single(r => r.Layer.Name == "inception3b").Output);
            Assert.Equal(new Shape(832, 7, 7), rows.Single(r => r.Layer.Name == "inception4e").Output);
            Assert.Equal(new Shape(1024, 4, 4), rows.Single(r => r.Layer.Name == "inception5b").Output);
        }
    }

    public class Summaries
    {
        [Fact]
        public void Should_ShowTheInceptionBranches_When_GoogLeNetIsSummarised()
        {
            var summary = GoogLeNet.Create().Summary();
            string text = summary.ToString();
            Assert.Contains("\ninception3a (Branches)", text);
            Assert.Contains("\n  branch_0 (Branch)", text);
            Assert.Contains("\n    inception3a_branch1_conv (Conv2D)", text);
            Assert.Contains("\n  branch_3 (Branch)", text);
            Assert.Contains("\n    inception3a_branch4_1_conv (Conv2D)", text);
            var module = summary.Rows.Single(r => r.Layer.Name == "inception3a");
            Assert.Equal(new Shape(256, 28, 28), module.Output);
            Assert.Equal(0, module.Depth);
            var paths = summary.Rows.SkipWhile(r => r.Layer.Name != "inception3a").Skip(1).TakeWhile(r => r.Depth > 0).Where(r => r.Depth == 1).ToList();
            Assert.Equal(new[] { 64, 128, 32, 32 }, paths.Select(p => p.Output.Channels).ToArray());
            Assert.Equal(9, summary.Rows.Count(r => r.Layer.TypeName == "Branches"));
        }

        [Fact]
        public void Should_ShowTheResidualBlocksAndShortcuts_When_ResNet18IsSummarised()
        {
            var summary = ResNet.Create(18).Summary();
            string text = summary.ToString();
            Assert.Contains("\nlayer1_0 (Residual)", text);
            Assert.Contains("\n  main (Branch)", text);
            Assert.Contains("\n    layer1_0_conv1 (Conv2D)", text);
            Assert.Contains("\nlayer2_0 (Residual)", text);
            Assert.Contains("\n  shortcut (Branch)", text);
            Assert.Contains("\n    layer2_0_downsample_0 (Conv2D)", text);
            Assert.Equal(8, summary.Rows.Count(r => r.Layer.TypeName == "Residual"));
            Assert.Equal(3, summary.Rows.Count(r => r.Layer.Name == "shortcut"));
            Assert.Equal(new Shape(128, 28, 28), summary.Rows.Single(r => r.Layer.Name == "layer2_0").Output);
            // The summary's MACs match the published 1.81 GMACs of ResNet-18 at 224×224.
            Assert.InRange(summary.MultiplyAccumulates, 1_800_000_000L, 1_830_000_000L);
            // Receptive field of the last block: 435 pixels (the published figure for ResNet-18).
            Assert.Equal(new[] { 435, 435 }, summary.Rows.Single(r => r.Layer.Name == "layer4_1").ReceptiveField);
        }
    }
}
