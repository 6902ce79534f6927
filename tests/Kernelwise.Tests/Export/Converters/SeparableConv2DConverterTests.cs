using Kernelwise.Layers;

namespace Kernelwise.Tests.Export.Converters;

public class SeparableConv2DConverterTests
{
    private static readonly OnnxCases Cases = new OnnxCases()
        .Add("separable_valid", new Shape(3, 7, 7), () => new Layer[] { new SeparableConv2D(4, 3) })
        .Add("separable_same_stride2_multiplier2_relu", new Shape(3, 8, 9), () => new Layer[] { new SeparableConv2D(5, 3, strides: 2, padding: Padding.Same, depthMultiplier: 2, activation: Activation.ReLU) })
        .Add("separable_dilated_no_bias", new Shape(2, 9, 9), () => new Layer[] { new SeparableConv2D(3, 3, dilation: 2, useBias: false) });

    public static TheoryData<string> Names => Cases.Names();

    [Theory]
    [MemberData(nameof(Names))]
    public void Should_MatchKernelwise_When_SeparableConvolutionIsRunInOnnxRuntime(string name) => Cases.AssertMatches(name);
}
