using Kernelwise.Layers;

namespace Kernelwise.Tests.Export.Converters;

public class ActivationLayerConverterTests
{
    public static TheoryData<Activation> Activations => new(Enum.GetValues<Activation>());

    [Theory]
    [MemberData(nameof(Activations))]
    public void Should_MatchKernelwise_When_ActivationIsRunInOnnxRuntime(Activation activation)
        => OnnxTesting.AssertLayersMatch(new Shape(3, 4, 5), new ActivationLayer(activation));

    [Theory]
    [InlineData(Activation.LeakyReLU, 0.2)]
    [InlineData(Activation.ELU, 0.5)]
    [InlineData(Activation.LeakyReLU, 0.0)]
    public void Should_UseTheLayersAlpha_When_ActivationHasOne(Activation activation, double alpha)
        => OnnxTesting.AssertLayersMatch(new Shape(3, 4, 5), new ActivationLayer(activation, alpha));

    [Fact]
    public void Should_ApplySoftmaxOverChannels_When_InputHasSpatialDimensions()
        => OnnxTesting.AssertLayersMatch(new Shape(4, 3, 2), new ActivationLayer(Activation.Softmax));
}
