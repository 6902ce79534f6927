using Kernelwise.Layers;
using static Kernelwise.Tests.Layers.LayerTesting;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Layers.Convolutional;

public class SeparableConv2DTests
{
    public class ParameterSaving
    {
        [Theory]
        [InlineData(32, 64, 3, 1)]
        [InlineData(64, 128, 3, 1)]
        [InlineData(16, 32, 5, 2)]
        [InlineData(3, 8, 3, 4)]
        public void Should_CountDepthwisePlusPointwise_When_ComparedWithThePlainConvolution(int c, int f, int k, int m)
        {
            var input = new Shape(c, 20, 20);
            var separable = new SeparableConv2D(f, k, depthMultiplier: m);
            var plain = new Conv2D(f, k);
            long sep = separable.CountParameters(input).Trainable;
            long full = plain.CountParameters(input).Trainable;
            Assert.Equal((long)k * k * c * m + (long)c * m * f + f, sep); // k²·C·M + C·M·F + F
            Assert.Equal((long)k * k * c * f + f, full);                   // k²·C·F + F

            // Without biases the ratio is exactly M/F + M/k² (1/F + 1/k² for M = 1), and the MACs save the same.
            long sepNoBias = new SeparableConv2D(f, k, depthMultiplier: m, useBias: false).CountParameters(input).Trainable;
            long fullNoBias = new Conv2D(f, k, useBias: false).CountParameters(input).Trainable;
            Assert.Equal((double)m / f + (double)m / (k * k), (double)sepNoBias / fullNoBias, 12);
            var output = separable.ComputeOutputShape(input);
            Assert.Equal((double)sepNoBias / fullNoBias,
                (double)separable.CountMultiplyAccumulates(input, output) / plain.CountMultiplyAccumulates(input, plain.ComputeOutputShape(input)), 12);
        }

        [Fact]
        public void Should_SaveAboutEightTimes_When_MappingA3x3Layer32To64Channels()
        {
            var input = new Shape(32, 56, 56);
            long sep = new SeparableConv2D(64, 3, useBias: false).CountParameters(input).Total;
            long full = new Conv2D(64, 3, useBias: false).CountParameters(input).Total;
            Assert.Equal(2_336, sep);   // 288 + 2,048
            Assert.Equal(18_432, full);
            Assert.InRange((double)full / sep, 7.8, 7.9);
        }
    }

    public class Values
    {
        [Fact]
        public void Should_EqualADepthwiseThenAPointwiseConvolution_When_ConfigurationsAreRandom()
        {
            var rng = new Random(7400);
            for (int trial = 0; trial < 12; trial++)
            {
                int c = rng.Next(1, 5), m = rng.Next(1, 3), f = rng.Next(1, 6);
                int[] k = rng.Draw(2, 1, 3), d = rng.Draw(2, 1, 2), n = rng.Draw(2, 5, 9);
                var layer = new SeparableConv2D(f, Size(k), strides: 1, padding: 1, depthMultiplier: m, dilation: Size(d));
                var input = ShapeOf(c, n);
                var output = layer.ComputeOutputShape(input);
                var expected = n.Select((v, i) => v + 2 - d[i] * (k[i] - 1)).ToArray();
                Assert.Equal(ShapeOf(f, expected), output);

                using var model = Build(layer, input);
                Assert.Equal(layer.CountParameters(input).Total, ParameterCount(model));
                using var scope = NewDisposeScope();
                var names = model.Network.named_parameters().Select(p => p.name).ToArray();
                Assert.Equal(new[] { "separable_conv2d.depthwise.weight", "separable_conv2d.pointwise.weight", "separable_conv2d.pointwise.bias" }, names);
                var x = randn(input.WithBatch(2));
                var hidden = nn.functional.conv2d(x, Parameter(model, "depthwise.weight"), null, padding: new long[] { 1, 1 }, dilation: d.L(), groups: c);
                var reference = nn.functional.conv2d(hidden, Parameter(model, "pointwise.weight"), Parameter(model, "pointwise.bias"));
                AssertClose(reference, model.GraphModule.forward(x));
            }
        }
    }
}
