using Kernelwise.Layers;
using Kernelwise.Models;
using static Kernelwise.Tests.Layers.LayerTesting;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Layers.Pooling;

public class BaseAdaptivePoolingTests
{
    [Fact]
    public void Should_AverageOverlappingWindows_When_TheOutputSizeDoesNotDivideTheInput()
    {
        // n = 5, n' = 3: windows [0, 2), [1, 4), [3, 5).
        var layer = new AdaptiveAveragePooling1D(3);
        using var model = Build(layer, new Shape(1, 5));
        using var x = tensor(new float[] { 1, 2, 3, 4, 5 }).reshape(1, 1, 5);
        using var y = model.GraphModule.forward(x);
        Assert.Equal(new[] { 1.5f, 3f, 4.5f }, y.data<float>().ToArray());
    }

    [Fact]
    public void Should_MatchLibtorch_When_Rank1To3()
    {
        using var scope = NewDisposeScope();
        var x1 = randn(2, 3, 11);
        using var m1 = Build(new AdaptiveAveragePooling1D(4), new Shape(3, 11));
        AssertClose(nn.functional.adaptive_avg_pool1d(x1, 4), m1.GraphModule.forward(x1));
        var x2 = randn(2, 3, 9, 7);
        using var m2 = Build(new AdaptiveAveragePooling2D((2, 3)), new Shape(3, 9, 7));
        AssertClose(nn.functional.adaptive_avg_pool2d(x2, new long[] { 2, 3 }), m2.GraphModule.forward(x2));
        var x3 = randn(new long[] { 2, 3, 4, 6, 5 });
        using var m3 = Build(new AdaptiveAveragePooling3D((2, 3, 5)), new Shape(3, 4, 6, 5));
        Assert.Equal(new Shape(3, 2, 3, 5), new AdaptiveAveragePooling3D((2, 3, 5)).ComputeOutputShape(new Shape(3, 4, 6, 5)));
        AssertClose(nn.functional.adaptive_avg_pool3d(x3, new long[] { 2, 3, 5 }), m3.GraphModule.forward(x3));
    }

    [Fact]
    public void Should_ShowAReceptiveFieldOnlyWhenWindowsAreRegular_When_Summarized()
    {
        var regular = new Sequential(new Shape(1, 12, 12)).AdaptiveAveragePooling2D(4).Summary();
        Assert.Equal(new[] { 3, 3 }, regular.Rows[0].ReceptiveField);
        Assert.Equal(new[] { 3, 3 }, regular.Rows[0].Jump);
        var irregular = new Sequential(new Shape(1, 12, 12)).AdaptiveAveragePooling2D(5).Summary();
        Assert.Null(irregular.Rows[0].ReceptiveField);
    }
}
