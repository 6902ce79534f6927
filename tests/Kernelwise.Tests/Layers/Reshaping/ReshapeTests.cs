using Kernelwise.Layers;
using Kernelwise.Models;
using static Kernelwise.Tests.Layers.LayerTesting;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Layers.Reshaping;

public class ReshapeTests
{
    [Theory]
    [InlineData(new[] { 4, 6, 5 }, new[] { 24, 5 }, new[] { 24, 5 })]
    [InlineData(new[] { 4, 6, 5 }, new[] { -1 }, new[] { 120 })]
    [InlineData(new[] { 4, 6, 5 }, new[] { 2, -1, 5 }, new[] { 2, 12, 5 })]
    [InlineData(new[] { 120 }, new[] { 3, 8, -1 }, new[] { 3, 8, 5 })]
    public void Should_InferTheMinusOneAndKeepTheValuesInOrder_When_Applied(int[] from, int[] target, int[] expected)
    {
        var layer = new Reshape(target);
        var input = new Shape(from);
        Assert.Equal(new Shape(expected), layer.ComputeOutputShape(input));
        using var model = Build(layer, input);
        using var scope = NewDisposeScope();
        var x = randn(input.WithBatch(2));
        AssertClose(x.reshape(new Shape(expected).WithBatch(2)), model.GraphModule.forward(x), 0);
    }

    [Fact]
    public void Should_EndTheReceptiveField_When_Reshaped()
    {
        var summary = new Sequential(new Shape(1, 8, 8)).Conv2D(4, 3).Reshape([4, 3, 12]).Conv2D(2, 3).Summary();
        Assert.Equal(new[] { 3, 3 }, summary.Rows[0].ReceptiveField);
        Assert.Null(summary.Rows[1].ReceptiveField);
        Assert.Null(summary.Rows[2].ReceptiveField);
    }
}
