using Kernelwise.Layers;
using static Kernelwise.Tests.Layers.LayerTesting;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Layers.Core;

public class SpatialDropout2DTests
{
    [Fact]
    public void Should_DropWholeChannelsAndRescaleTheRest_When_Training()
    {
        var layer = new SpatialDropout2D(0.5);
        var input = new Shape(64, 3, 3);
        using var model = Build(layer, input);
        model.Network.train();
        using var scope = NewDisposeScope();
        manual_seed(11);
        var x = rand(2, 64, 3, 3) + 1; // strictly positive, so a zero means "dropped"
        var y = model.GraphModule.forward(x);
        int dropped = 0, kept = 0;
        for (int n = 0; n < 2; n++)
        {
            for (int c = 0; c < 64; c++)
            {
                var map = y[n, c];
                if (map.abs().max().item<float>() == 0) dropped++;
                else
                {
                    AssertClose(x[n, c] * 2, map);
                    kept++;
                }
            }
        }
        Assert.InRange(dropped, 32, 96);
        Assert.Equal(128, dropped + kept);
    }

    [Fact]
    public void Should_BeTheIdentity_When_Evaluating()
    {
        using var model = Build(new SpatialDropout2D(0.9), new Shape(4, 3, 3));
        using var x = randn(2, 4, 3, 3);
        using var y = model.GraphModule.forward(x);
        AssertClose(x, y, 0);
    }
}
