using Kernelwise.Layers;
using Kernelwise.Models;
using static Kernelwise.Tests.Layers.LayerTesting;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Layers.Convolutional;

public class DepthwiseConv2DTests
{
    [Fact]
    public void Should_MatchAGroupedConvolutionWithOneGroupPerChannel_When_ConfigurationsAreRandom()
    {
        var rng = new Random(7300);
        for (int trial = 0; trial < 20; trial++)
        {
            int c = rng.Next(1, 5), m = rng.Next(1, 4);
            int[] k = rng.Draw(2, 1, 3), s = rng.Draw(2, 1, 2), n = rng.Draw(2, 4, 9);
            bool same = rng.Next(2) == 0;
            var layer = new DepthwiseConv2D(Size(k), Size(s), same ? Padding.Same : Padding.Valid, depthMultiplier: m);
            var input = ShapeOf(c, n);
            var output = layer.ComputeOutputShape(input);
            var expected = n.Select((v, i) => same ? (v + s[i] - 1) / s[i] : (v - k[i]) / s[i] + 1).ToArray();
            Assert.Equal(ShapeOf(c * m, expected), output);
            Assert.Equal(k.Product() * c * m + c * m, layer.CountParameters(input).Trainable);
            Assert.Equal(output.Elements * k.Product(), layer.CountMultiplyAccumulates(input, output));

            using var model = Build(layer, input);
            Assert.Equal(layer.CountParameters(input).Total, ParameterCount(model));
            using var scope = NewDisposeScope();
            var w = Parameter(model, "weight");
            Assert.Equal(new long[] { c * m, 1, k[0], k[1] }, w.shape);
            var x = randn(input.WithBatch(2));
            var before = new int[2];
            var after = new int[2];
            for (int i = 0; i < 2 && same; i++)
            {
                int total = Math.Max((expected[i] - 1) * s[i] + k[i] - n[i], 0);
                before[i] = total / 2;
                after[i] = total - before[i];
            }
            var reference = Conv(2, nn.functional.pad(x, PadPairs(before, after)), w, Parameter(model, "bias"), s, new int[2], new[] { 1, 1 }, c);
            AssertClose(reference, model.GraphModule.forward(x));
        }
    }

    [Fact]
    public void Should_NeverMixChannels_When_Applied()
    {
        // Output channels c·M … c·M + M − 1 depend on input channel c only.
        var layer = new DepthwiseConv2D(3, padding: Padding.Same, depthMultiplier: 2, useBias: false);
        using var model = Build(layer, new Shape(3, 5, 5));
        using var scope = NewDisposeScope();
        var x = zeros(1, 3, 5, 5);
        x[0, 1] = randn(5, 5);
        var y = model.GraphModule.forward(x);
        Assert.Equal(0f, y[0, 0].abs().sum().item<float>() + y[0, 1].abs().sum().item<float>() + y[0, 4].abs().sum().item<float>() + y[0, 5].abs().sum().item<float>());
        Assert.True(y[0, 2].abs().sum().item<float>() > 0);
    }

    [Fact]
    public void Should_CostCTimesFewerParametersThanThePlainConvolution_When_OutputChannelsAreEqual()
    {
        var input = new Shape(32, 16, 16);
        var depthwise = new DepthwiseConv2D(3, depthMultiplier: 2, useBias: false).CountParameters(input).Total;
        var plain = new Conv2D(64, 3, useBias: false).CountParameters(input).Total;
        Assert.Equal(9 * 32 * 2, depthwise);
        Assert.Equal(32 * depthwise, plain);
    }

    [Fact]
    public void Should_ShowTheWindowInTheSummary_When_Stacked()
    {
        var summary = new Sequential(new Shape(8, 32, 32)).DepthwiseConv2D(3, strides: 2, padding: Padding.Same).DepthwiseConv2D(3).Summary();
        Assert.Equal(new[] { 3, 3 }, summary.Rows[0].ReceptiveField);
        Assert.Equal(new[] { 7, 7 }, summary.Rows[1].ReceptiveField);
        Assert.Equal(new[] { 2, 2 }, summary.Rows[1].Jump);
    }
}
