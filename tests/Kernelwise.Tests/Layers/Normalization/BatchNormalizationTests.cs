using Kernelwise.Layers;
using Kernelwise.Models;
using static Kernelwise.Tests.Layers.LayerTesting;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Layers.Normalization;

public class BatchNormalizationTests
{
    public static IEnumerable<object[]> Inputs() => new List<object[]>
    {
        new object[] { new Shape(6) },          // (features): BatchNorm1d on [N, F]
        new object[] { new Shape(4, 7) },       // (C, L): BatchNorm1d
        new object[] { new Shape(3, 5, 5) },    // (C, H, W): BatchNorm2d
        new object[] { new Shape(2, 3, 4, 4) }, // (C, D, H, W): BatchNorm3d
    };

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Should_NormalizePerChannelWithBatchStatistics_When_Training(Shape input)
    {
        var layer = new BatchNormalization(momentum: 0.3, epsilon: 1e-3);
        Assert.Equal(input, layer.ComputeOutputShape(input));
        using var model = Build(layer, input);
        model.Network.train();
        using var scope = NewDisposeScope();
        var x = randn(input.WithBatch(8)) * 3 + 1;
        var y = model.GraphModule.forward(x);
        int c = input.Channels;
        var runningMean = zeros(c);
        var runningVar = ones(c);
        var reference = nn.functional.batch_norm(x, runningMean, runningVar, ones(c), zeros(c), training: true, momentum: 0.3, eps: 1e-3);
        AssertClose(reference, y, 1e-4);
        var buffers = model.Network.named_buffers().ToDictionary(b => b.name, b => b.buffer);
        AssertClose(runningMean, buffers["batch_normalization.running_mean"], 1e-5);
        AssertClose(runningVar, buffers["batch_normalization.running_var"], 1e-5);

        model.Network.eval();
        var evaluated = model.GraphModule.forward(x);
        var expected = nn.functional.batch_norm(x, runningMean, runningVar, ones(c), zeros(c), training: false, eps: 1e-3);
        AssertClose(expected, evaluated, 1e-4);
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Should_CountScaleAndShiftAsTrainableAndRunningStatisticsAsNot_When_Counted(Shape input)
    {
        var layer = new BatchNormalization();
        var count = layer.CountParameters(input);
        Assert.Equal(new Kernelwise.Layers.ParameterCount(2L * input.Channels, 2L * input.Channels), count);
        using var model = Build(layer, input);
        Assert.Equal(count.Trainable, ParameterCount(model));
        long statistics = model.Network.named_buffers().Where(b => b.name.EndsWith("running_mean") || b.name.EndsWith("running_var")).Sum(b => b.buffer.numel());
        Assert.Equal(count.NonTrainable, statistics);
    }

    [Fact]
    public void Should_ReportKerasAndPyTorchCounts_When_Summarized()
    {
        var summary = new Sequential(new Shape(3, 8, 8)).Conv2D(16, 3, useBias: false).BatchNormalization().Summary();
        Assert.Equal(432 + 64, summary.Totals.Total);
        Assert.Equal(32, summary.Totals.NonTrainable);
        Assert.Equal(432 + 32, summary.PyTorchParameterCount);
        Assert.Equal(16 * 6 * 6, summary.Rows[1].MultiplyAccumulates);
    }
}
