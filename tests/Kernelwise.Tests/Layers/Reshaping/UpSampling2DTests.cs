using Kernelwise.Layers;
using Kernelwise.Models;
using static Kernelwise.Tests.Layers.LayerTesting;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Layers.Reshaping;

public class UpSampling2DTests
{
    [Fact]
    public void Should_RepeatEachPixelIntoABlock_When_Nearest()
    {
        var layer = new UpSampling2D((2, 3));
        var input = new Shape(2, 3, 4);
        Assert.Equal(new Shape(2, 6, 12), layer.ComputeOutputShape(input));
        using var model = Build(layer, input);
        using var scope = NewDisposeScope();
        var x = randn(2, 2, 3, 4);
        AssertClose(x.repeat_interleave(2, 2).repeat_interleave(3, 3), model.GraphModule.forward(x), 0);
    }

    [Fact]
    public void Should_InterpolateBetweenPixelCentres_When_Bilinear()
    {
        using var model = Build(new UpSampling2D((1, 2), UpSamplingInterpolation.Bilinear), new Shape(1, 1, 2));
        using var x = tensor(new float[] { 0, 1 }).reshape(1, 1, 1, 2);
        using var y = model.GraphModule.forward(x);
        Assert.Equal(new[] { 0f, 0.25f, 0.75f, 1f }, y.data<float>().ToArray());
    }

    [Fact]
    public void Should_ShowNoReceptiveField_When_Upsampled()
    {
        var summary = new Sequential(new Shape(1, 8, 8)).Conv2D(2, 3).UpSampling2D().Conv2D(2, 3).Summary();
        Assert.Equal(new Shape(2, 12, 12), summary.Rows[1].Output);
        Assert.Null(summary.Rows[1].ReceptiveField);
        Assert.Null(summary.Rows[2].ReceptiveField);
        Assert.Equal(new[] { 3, 3 }, new Sequential(new Shape(1, 8, 8)).Conv2D(2, 3).UpSampling2D(1).Summary().Rows[1].ReceptiveField);
    }
}
