using Kernelwise.Layers;
using Kernelwise.Models;

namespace Kernelwise.Tests.Layers;

public class SequentialTests
{
    public class Summary
    {
        [Fact]
        public void Should_Report3274634Parameters_When_ModelIsTheTutorialConvNet()
        {
            var summary = TestModels.TutorialConvNet().Summary();
            Assert.Equal(3_274_634, summary.Totals.Total);
            Assert.Equal(3_274_634, summary.Totals.Trainable);
            Assert.Equal(0, summary.Totals.NonTrainable);
        }

        [Fact]
        public void Should_ListEveryLayerWithKerasNamesAndShapes_When_Rendered()
        {
            var summary = TestModels.TutorialConvNet().Summary();
            var names = summary.Rows.Select(r => r.Layer.Name).ToArray();
            Assert.Equal(new[] { "conv2d", "max_pooling2d", "conv2d_1", "max_pooling2d_1", "flatten", "dense", "dropout", "dense_1" }, names);
            Assert.Equal(new Shape(32, 28, 28), summary.Rows[0].Output);
            Assert.Equal(new Shape(64, 7, 7), summary.Rows[3].Output);
            Assert.Equal(new Shape(3136), summary.Rows[4].Output);
            Assert.Equal(832, summary.Rows[0].Parameters.Total);
            Assert.Equal(3_212_288, summary.Rows[5].Parameters.Total);
            string text = summary.ToString();
            Assert.Contains("conv2d (Conv2D)", text);
            Assert.Contains("(None, 32, 28, 28)", text);
            Assert.Contains("Total params: 3,274,634", text);
            Assert.Contains("Trainable params: 3,274,634", text);
            Assert.Contains("Non-trainable params: 0", text);
            Assert.Contains("| dense_1 (Dense) | (None, 10) | 10,250 |", summary.ToMarkdown());
        }

        [Fact]
        public void Should_CountRunningStatisticsAsNonTrainable_When_ModelHasBatchNormalization()
        {
            var summary = TestModels.SmallBatchNormNet().Summary();
            // conv 1·16·9 + bn 2·16 (+2·16) + conv 16·32·9 + bn 2·32 (+2·32) + dense 32·7·7·10 + 10
            long trainable = 144 + 32 + 4608 + 64 + 15680 + 10;
            Assert.Equal(trainable, summary.Totals.Trainable);
            Assert.Equal(32 + 64, summary.Totals.NonTrainable);
            Assert.Equal(trainable, summary.PyTorchParameterCount);
        }

        [Fact]
        public void Should_ComputeReceptiveFieldAndJump_When_LayersAreStacked()
        {
            var summary = TestModels.TutorialConvNet().Summary();
            Assert.Equal(new[] { 5, 5 }, summary.Rows[0].ReceptiveField);
            Assert.Equal(new[] { 1, 1 }, summary.Rows[0].Jump);
            Assert.Equal(new[] { 6, 6 }, summary.Rows[1].ReceptiveField);
            Assert.Equal(new[] { 2, 2 }, summary.Rows[1].Jump);
            Assert.Equal(new[] { 14, 14 }, summary.Rows[2].ReceptiveField); // 6 + 4·2
            Assert.Equal(new[] { 16, 16 }, summary.Rows[3].ReceptiveField); // 14 + 1·2
            Assert.Equal(new[] { 4, 4 }, summary.Rows[3].Jump);
            Assert.Null(summary.Rows[4].ReceptiveField);
        }
    }

    public class Build
    {
        [Fact]
        public void Should_CreateParametersMatchingTheSummary_When_Built()
        {
            using var model = TestModels.TutorialConvNet().Build(ComputeDevice.Cpu);
            long count = model.Network.parameters().Sum(p => p.numel());
            Assert.Equal(3_274_634, count);
            var names = model.Network.named_parameters().Select(p => p.name).ToArray();
            Assert.Contains("conv2d.weight", names);
            Assert.Contains("dense_1.bias", names);
        }

        [Fact]
        public void Should_ProduceTheDeclaredOutputShape_When_RunForward()
        {
            using var model = TestModels.TutorialConvNet().Build(ComputeDevice.Cpu);
            using var x = TorchSharp.torch.randn(3, 1, 28, 28);
            using var y = model.GraphModule.forward(x);
            Assert.Equal(new long[] { 3, 10 }, y.shape);
        }

        [Fact]
        public void Should_KeepTheUserGivenName_When_LayerIsNamed()
        {
            var summary = new Sequential(new Shape(1, 8, 8)).Conv2D(4, 3, name: "stem").Conv2D(4, 3).Summary();
            Assert.Equal("stem", summary.Rows[0].Layer.Name);
            Assert.Equal("conv2d", summary.Rows[1].Layer.Name);
        }

        [Fact]
        public void Should_MatchTensorFlowSamePadding_When_StrideIsTwo()
        {
            // TensorFlow: output ⌈n/s⌉; 28 with k=3, s=2 → 14, total padding 1 (0 before, 1 after).
            var summary = new Sequential(new Shape(1, 28, 28)).Conv2D(2, 3, strides: 2, padding: Padding.Same).Summary();
            Assert.Equal(new Shape(2, 14, 14), summary.Rows[0].Output);
            using var model = new Sequential(new Shape(1, 28, 28)).Conv2D(2, 3, strides: 2, padding: Padding.Same).Build(ComputeDevice.Cpu);
            using var y = model.GraphModule.forward(TorchSharp.torch.ones(1, 1, 28, 28));
            Assert.Equal(new long[] { 1, 2, 14, 14 }, y.shape);
        }
    }

    public class InvalidConfigurations
    {
        public static IEnumerable<object[]> BuildErrors() => new List<object[]>
        {
            new object[] { (Func<Sequential>)(() => new Sequential(new Shape(1, 3, 3)).Conv2D(4, 5)),
                "Layer 'conv2d' (Conv2D) cannot accept input (None, 1, 3, 3): kernel 5 is larger than the padded input 3 (3 + 0 + 0) in dimension height." },
            new object[] { (Func<Sequential>)(() => new Sequential(new Shape(1, 8, 3)).Conv2D(4, (3, 5))),
                "Layer 'conv2d' (Conv2D) cannot accept input (None, 1, 8, 3): kernel 5 is larger than the padded input 3 (3 + 0 + 0) in dimension width." },
            new object[] { (Func<Sequential>)(() => new Sequential(new Shape(1, 4, 4)).Conv2D(4, 3, dilation: 2)),
                "Layer 'conv2d' (Conv2D) cannot accept input (None, 1, 4, 4): dilated kernel 5 (d(k − 1) + 1 = 2·(3 − 1) + 1) is larger than the padded input 4 (4 + 0 + 0) in dimension height." },
            new object[] { (Func<Sequential>)(() => new Sequential(new Shape(3, 8, 8)).Conv2D(4, 3, groups: 2)),
                "Layer 'conv2d' (Conv2D) cannot accept input (None, 3, 8, 8): input channels 3 are not divisible by groups=2." },
            new object[] { (Func<Sequential>)(() => new Sequential(new Shape(28, 28)).Conv2D(4, 3)),
                "Layer 'conv2d' (Conv2D) expected input with 4 dimensions (batch, channels, height, width); received (None, 28, 28) with 3." },
            new object[] { (Func<Sequential>)(() => new Sequential(new Shape(1, 28, 28)).Dense(10)),
                "Layer 'dense' (Dense) expected input with 2 dimensions (batch, features); received (None, 1, 28, 28) with 4. Add Flatten() before it." },
            new object[] { (Func<Sequential>)(() => new Sequential(new Shape(1, 5, 5)).Conv2D(2, 3).MaxPooling2D(4)),
                "Layer 'max_pooling2d' (MaxPooling2D) cannot accept input (None, 2, 3, 3): pool size 4 is larger than the padded input 3 (3 + 0 + 0) in dimension height." },
            new object[] { (Func<Sequential>)(() => new Sequential(new Shape(1, 28, 28)).Flatten().MaxPooling2D(2)),
                "Layer 'max_pooling2d' (MaxPooling2D) expected input with 4 dimensions (batch, channels, height, width); received (None, 784) with 2." },
            new object[] { (Func<Sequential>)(() => new Sequential(new Shape(1, 2, 2)).AveragePooling2D(3)),
                "Layer 'average_pooling2d' (AveragePooling2D) cannot accept input (None, 1, 2, 2): pool size 3 is larger than the padded input 2 (2 + 0 + 0) in dimension height." },
            new object[] { (Func<Sequential>)(() => new Sequential(new Shape(1, 8, 8)).Conv2D(4, 3, name: "a").Conv2D(4, 3, name: "a")),
                "Two layers are named 'a'; layer names must be unique within a model." },
        };

        [Theory]
        [MemberData(nameof(BuildErrors))]
        public void Should_NameTheLayerInputAndRule_When_ALayerCannotFit(Func<Sequential> define, string message)
        {
            var e = Assert.Throws<ModelBuildException>(() => define().Summary());
            Assert.Equal(message, e.Message);
        }

        public static IEnumerable<object[]> ArgumentErrors() => new List<object[]>
        {
            new object[] { (Action)(() => new Conv2D(0, 3)), "Invalid value for argument filters of Conv2D. Expected a strictly positive value. Received filters=0." },
            new object[] { (Action)(() => new Conv2D(8, 0)), "Invalid value for argument kernelSize of Conv2D. Expected strictly positive values. Received kernelSize=0." },
            new object[] { (Action)(() => new Conv2D(8, (3, 3, 3))), "Invalid value for argument kernelSize of Conv2D. Expected 1 or 2 values. Received kernelSize=(3, 3, 3)." },
            new object[] { (Action)(() => new Conv2D(8, 3, strides: -1)), "Invalid value for argument strides of Conv2D. Expected strictly positive values. Received strides=-1." },
            new object[] { (Action)(() => new Conv2D(8, 3, padding: -1)), "Invalid value for argument padding of Conv2D. Expected values of 0 or more. Received padding=-1." },
            new object[] { (Action)(() => new Conv2D(6, 3, groups: 4)), "Invalid value for argument groups of Conv2D. The number of filters must be divisible by groups. Received filters=6, groups=4." },
            new object[] { (Action)(() => new Kernelwise.Layers.Dropout(1.0)), "Invalid value for argument rate. Expected a value in [0, 1). Received rate=1." },
            new object[] { (Action)(() => new Kernelwise.Layers.Dense(0)), "Invalid value for argument units. Expected a strictly positive value. Received units=0." },
            new object[] { (Action)(() => new Kernelwise.Layers.MaxPooling2D(2, padding: 2)), "Invalid value for argument padding of MaxPooling2D. Padding must be at most half the pool size. Received padding=2, poolSize=2." },
        };

        [Theory]
        [MemberData(nameof(ArgumentErrors))]
        public void Should_NameTheArgumentAndValue_When_AnArgumentIsInvalid(Action create, string message)
        {
            var e = Assert.ThrowsAny<ArgumentException>(create);
            Assert.StartsWith(message, e.Message);
        }
    }
}
