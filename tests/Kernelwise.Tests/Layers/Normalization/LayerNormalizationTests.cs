using Kernelwise.Layers;
using static Kernelwise.Tests.Layers.LayerTesting;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Layers.Normalization;

public class LayerNormalizationTests
{
    private static Tensor Normalize(Tensor x, long[] dims, double eps)
    {
        var mean = x.mean(dims, keepdim: true);
        var variance = x.var(dims, unbiased: false, keepdim: true);
        return (x - mean) / (variance + eps).sqrt();
    }

    [Fact]
    public void Should_MatchPyTorchLayerNorm_When_InputIsFeatures()
    {
        var layer = new LayerNormalization();
        using var model = Build(layer, new Shape(10));
        using var scope = NewDisposeScope();
        var x = randn(4, 10) * 5 + 2;
        AssertClose(nn.functional.layer_norm(x, new long[] { 10 }), model.GraphModule.forward(x), 1e-4);
    }

    [Theory]
    [InlineData(NormalizationAxes.Channels)]
    [InlineData(NormalizationAxes.AllFeatures)]
    public void Should_UseEachSamplesOwnStatisticsThenScalePerChannel_When_InputIsAnImage(NormalizationAxes axes)
    {
        var input = new Shape(3, 4, 5);
        var layer = new LayerNormalization(axes, epsilon: 1e-3);
        Assert.Equal(input, layer.ComputeOutputShape(input));
        Assert.Equal(new Kernelwise.Layers.ParameterCount(6, 0), layer.CountParameters(input));
        using var model = Build(layer, input);
        Assert.Equal(6, ParameterCount(model));
        using var scope = NewDisposeScope();
        var gamma = tensor(new float[] { 0.5f, 2f, -1f });
        var beta = tensor(new float[] { 1f, 0f, 3f });
        using (no_grad())
        {
            Parameter(model, "weight").copy_(gamma);
            Parameter(model, "bias").copy_(beta);
        }
        var x = randn(2, 3, 4, 5) * 2 - 1;
        var dims = axes == NormalizationAxes.Channels ? new long[] { 1 } : new long[] { 1, 2, 3 };
        var reference = Normalize(x, dims, 1e-3) * gamma.reshape(1, 3, 1, 1) + beta.reshape(1, 3, 1, 1);
        var y = model.GraphModule.forward(x);
        AssertClose(reference, y, 1e-4);
        // No batch statistics: a sample alone gives the same result as in a batch.
        AssertClose(y.narrow(0, 1, 1), model.GraphModule.forward(x.narrow(0, 1, 1)), 1e-5);
    }
}
