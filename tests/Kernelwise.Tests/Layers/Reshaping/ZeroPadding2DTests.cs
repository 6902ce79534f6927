using Kernelwise.Layers;
using Kernelwise.Models;
using static Kernelwise.Tests.Layers.LayerTesting;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Layers.Reshaping;

public class ZeroPadding2DTests
{
    [Fact]
    public void Should_SurroundEachMapWithZeros_When_PerSideAmountsAreGiven()
    {
        var layer = new ZeroPadding2D((1, 2), (0, 3));
        var input = new Shape(2, 3, 4);
        Assert.Equal(new Shape(2, 6, 7), layer.ComputeOutputShape(input));
        using var model = Build(layer, input);
        using var scope = NewDisposeScope();
        var x = rand(2, 2, 3, 4) + 1;
        var y = model.GraphModule.forward(x);
        AssertClose(x, y[TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Slice(1, 4), TensorIndex.Slice(0, 4)], 0);
        Assert.Equal(x.sum().item<float>(), y.sum().item<float>(), 3);
    }

    [Fact]
    public void Should_PadOneOnEverySide_When_NothingIsGiven()
    {
        Assert.Equal(new Shape(2, 5, 6), new ZeroPadding2D().ComputeOutputShape(new Shape(2, 3, 4)));
        Assert.Equal(new Shape(2, 7, 6), new ZeroPadding2D((2, 1)).ComputeOutputShape(new Shape(2, 3, 4)));
    }

    [Fact]
    public void Should_KeepTheReceptiveFieldAndMakeValidEqualSame_When_FollowedByAValidConvolution()
    {
        var padded = new Sequential(new Shape(1, 8, 8)).ZeroPadding2D(1).Conv2D(2, 3).Summary();
        Assert.Equal(new Shape(2, 8, 8), padded.Rows[1].Output);
        Assert.Equal(new[] { 1, 1 }, padded.Rows[0].ReceptiveField);
        Assert.Equal(new[] { 3, 3 }, padded.Rows[1].ReceptiveField);
    }
}
