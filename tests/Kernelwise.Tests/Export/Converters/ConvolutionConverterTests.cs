using Kernelwise.Layers;

namespace Kernelwise.Tests.Export.Converters;

public class ConvolutionConverterTests
{
    private static readonly OnnxCases Cases = new OnnxCases()
        .Add("conv2d_valid", new Shape(3, 9, 9), () => new Layer[] { new Conv2D(4, 3) })
        .Add("conv2d_same_stride2_asymmetric", new Shape(3, 9, 10), () => new Layer[] { new Conv2D(4, 4, strides: 2, padding: Padding.Same) })
        .Add("conv2d_same_stride1_even_kernel", new Shape(2, 6, 7), () => new Layer[] { new Conv2D(3, new SpatialSize(2, 4), padding: Padding.Same) })
        .Add("conv2d_explicit_dilated_grouped_relu", new Shape(4, 10, 10), () => new Layer[] { new Conv2D(6, 3, padding: 1, dilation: 2, groups: 2, activation: Activation.ReLU) })
        .Add("conv2d_rectangular_strides_no_bias", new Shape(3, 11, 8), () => new Layer[] { new Conv2D(5, new SpatialSize(3, 2), strides: new SpatialSize(2, 1), useBias: false) })
        .Add("conv2d_explicit_implementation_same_stride2", new Shape(3, 9, 8), () => new Layer[] { new Conv2D(4, 3, strides: 2, padding: Padding.Same, dilation: 1, groups: 1, activation: Activation.ReLU, implementation: ConvolutionImplementation.Explicit) })
        .Add("conv1d_same_stride2", new Shape(3, 15), () => new Layer[] { new Conv1D(4, 4, strides: 2, padding: Padding.Same, activation: Activation.Tanh) })
        .Add("conv1d_dilated", new Shape(2, 16), () => new Layer[] { new Conv1D(3, 3, dilation: 3) })
        .Add("conv3d_same_stride2_dilated", new Shape(2, 7, 6, 5), () => new Layer[] { new Conv3D(3, 3, strides: 2, padding: Padding.Same, dilation: 1) })
        .Add("conv3d_same_dilated", new Shape(2, 6, 6, 6), () => new Layer[] { new Conv3D(2, 2, padding: Padding.Same, dilation: 2, activation: Activation.SiLU) });

    public static TheoryData<string> Names => Cases.Names();

    [Theory]
    [MemberData(nameof(Names))]
    public void Should_MatchKernelwise_When_ConvolutionIsRunInOnnxRuntime(string name) => Cases.AssertMatches(name);

    public static TheoryData<Activation> Activations => new(Enum.GetValues<Activation>());

    [Theory]
    [MemberData(nameof(Activations))]
    public void Should_ApplyTheFusedActivation_When_ConvolutionHasOne(Activation activation)
        => OnnxTesting.AssertLayersMatch(new Shape(2, 6, 6), new Conv2D(3, 3, padding: Padding.Same, activation: activation));
}
