using Kernelwise.Layers;
using Kernelwise.Models;
using static Kernelwise.Tests.Layers.LayerTesting;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Chapter;

/// <summary>
/// Pooling by hand (examples/chapter/pooling.cs), global average pooling as a classifier head
/// (global-average-pooling.cs), and local connectivity and weight sharing (weight-sharing.cs).
/// </summary>
public class PoolingAndHeadsTests
{
    private static readonly float[] Map = { 1, 3, 2, 1, 4, 6, 5, 0, 7, 2, 9, 8, 1, 0, 3, 4 };

    [Fact]
    public void Should_KeepEachWindowsMaximumAndMean_When_A4x4MapIsPooledBy2x2()
    {
        using var max = Build(new MaxPooling2D(2), new Shape(1, 4, 4));
        using var average = Build(new AveragePooling2D(2), new Shape(1, 4, 4));
        using var scope = NewDisposeScope();
        var x = tensor(Map, new long[] { 1, 1, 4, 4 });
        Assert.Equal(new float[] { 6, 5, 7, 9 }, max.GraphModule.forward(x).reshape(4).data<float>().ToArray());
        Assert.Equal(new float[] { 3.5f, 2, 2.5f, 6 }, average.GraphModule.forward(x).reshape(4).data<float>().ToArray());
    }

    [Fact]
    public void Should_SendTheGradientToEachWindowsMaximumOnly_When_MaxPoolingIsDifferentiated()
    {
        using var max = Build(new MaxPooling2D(2), new Shape(1, 4, 4));
        using var average = Build(new AveragePooling2D(2), new Shape(1, 4, 4));
        using var scope = NewDisposeScope();
        var x = tensor(Map, new long[] { 1, 1, 4, 4 }).requires_grad_(true);
        max.GraphModule.forward(x).sum().backward();
        Assert.Equal(new float[] { 0, 0, 0, 0, 0, 1, 1, 0, 1, 0, 1, 0, 0, 0, 0, 0 }, x.grad!.reshape(16).data<float>().ToArray());
        var y = tensor(Map, new long[] { 1, 1, 4, 4 }).requires_grad_(true);
        average.GraphModule.forward(y).sum().backward();
        Assert.All(y.grad!.reshape(16).data<float>().ToArray(), g => Assert.Equal(0.25f, g));
    }

    [Fact]
    public void Should_Need49TimesFewerParameters_When_GlobalAveragePoolingReplacesFlattenBeforeTheClassifier()
    {
        var features = new Shape(512, 7, 7);
        Assert.Equal(512L * 7 * 7 * 1000 + 1000, new Sequential(features).Flatten().Dense(1000).Summary().Totals.Total);
        Assert.Equal(512L * 1000 + 1000, new Sequential(features).GlobalAveragePooling2D().Dense(1000).Summary().Totals.Total);
    }

    [Fact]
    public void Should_EqualTheAverageOfThePerPixelClassScores_When_ADenseLayerFollowsGlobalAveragePooling()
    {
        // Linearity: Dense(mean over positions of x) = mean over positions of Dense(x at each position), the class activation map.
        using var head = new Sequential(new Shape(8, 5, 5)).GlobalAveragePooling2D().Dense(3).Build(ComputeDevice.Cpu);
        using var scope = NewDisposeScope();
        manual_seed(44);
        var x = randn(2, 8, 5, 5);
        var w = head.Network.named_parameters().Single(p => p.name.EndsWith(".weight", StringComparison.Ordinal)).parameter;
        var b = head.Network.named_parameters().Single(p => p.name.EndsWith(".bias", StringComparison.Ordinal)).parameter;
        var maps = einsum("kc,nchw->nkhw", w, x) + b.view(1, 3, 1, 1);
        AssertClose(maps.mean(new long[] { 2, 3 }), head.GraphModule.forward(x));
    }

    [Fact]
    public void Should_CountSharedLocalAndFullConnections_When_A28x28ImageBecomes32Maps()
    {
        var conv = new Sequential(new Shape(1, 28, 28)).Conv2D(32, 5, padding: Padding.Same).Summary();
        var dense = new Sequential(new Shape(784)).Dense(28 * 28 * 32).Summary();
        Assert.Equal(5 * 5 * 1 * 32 + 32, conv.Totals.Total);          // weight sharing: one 5×5 kernel per map
        Assert.Equal(784L * 25_088 + 25_088, dense.Totals.Total);      // every output sees every pixel
        Assert.Equal(25_088L * (25 + 1), conv.Rows[0].Output.Elements * (5 * 5 + 1)); // locally connected, no sharing
        Assert.Equal(25_088L * 25, conv.MultiplyAccumulates);           // sharing saves weights, not multiply-adds
    }

    [Fact]
    public void Should_ShiftTheOutputByTheSameAmount_When_TheImageIsShifted()
    {
        using var model = new Sequential(new Shape(1, 28, 28)).Conv2D(4, 5, padding: Padding.Same).Build(ComputeDevice.Cpu);
        using var scope = NewDisposeScope();
        var image = zeros(1, 1, 28, 28);
        image[0, 0, TensorIndex.Slice(6, 12), TensorIndex.Slice(8, 11)] = tensor(1f);
        var shifts = new long[] { 5, 7 };
        var dims = new long[] { 2, 3 };
        var ofShifted = model.GraphModule.forward(image.roll(shifts, dims));
        var shiftedOutput = model.GraphModule.forward(image).roll(shifts, dims);
        AssertClose(shiftedOutput, ofShifted, 1e-6);
    }
}
