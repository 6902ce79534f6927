using Kernelwise.Layers;

namespace Kernelwise.Tests.Export.Converters;

public class DepthwiseConv2DConverterTests
{
    private static readonly OnnxCases Cases = new OnnxCases()
        .Add("depthwise_valid", new Shape(3, 7, 7), () => new Layer[] { new DepthwiseConv2D(3) })
        .Add("depthwise_same_stride2_multiplier2", new Shape(3, 8, 9), () => new Layer[] { new DepthwiseConv2D(3, strides: 2, padding: Padding.Same, depthMultiplier: 2, activation: Activation.ReLU) })
        .Add("depthwise_dilated_no_bias", new Shape(2, 9, 9), () => new Layer[] { new DepthwiseConv2D(3, dilation: 2, useBias: false) });

    public static TheoryData<string> Names => Cases.Names();

    [Theory]
    [MemberData(nameof(Names))]
    public void Should_MatchKernelwise_When_DepthwiseConvolutionIsRunInOnnxRuntime(string name) => Cases.AssertMatches(name);
}
