using Kernelwise.Layers;

namespace Kernelwise.Tests.Export.Converters;

public class ConvolutionTransposeConverterTests
{
    private static readonly OnnxCases Cases = new OnnxCases()
        .Add("conv2d_transpose_valid", new Shape(3, 5, 6), () => new Layer[] { new Conv2DTranspose(4, 3) })
        .Add("conv2d_transpose_same_stride2", new Shape(3, 5, 6), () => new Layer[] { new Conv2DTranspose(4, 3, strides: 2, padding: Padding.Same) })
        .Add("conv2d_transpose_same_even_kernel", new Shape(2, 4, 5), () => new Layer[] { new Conv2DTranspose(3, 4, strides: 2, padding: Padding.Same) })
        .Add("conv2d_transpose_same_kernel_below_stride", new Shape(2, 4, 4), () => new Layer[] { new Conv2DTranspose(3, 1, strides: 3, padding: Padding.Same) })
        .Add("conv2d_transpose_padding_output_padding", new Shape(2, 5, 5), () => new Layer[] { new Conv2DTranspose(3, 3, strides: 2, padding: 1, outputPadding: 1) })
        .Add("conv2d_transpose_output_padding_above_padding", new Shape(2, 4, 4), () => new Layer[] { new Conv2DTranspose(3, 3, strides: 3, padding: 1, outputPadding: 2) })
        .Add("conv2d_transpose_dilated_grouped_relu", new Shape(4, 5, 5), () => new Layer[] { new Conv2DTranspose(6, 3, strides: 2, dilation: 2, groups: 2, activation: Activation.ReLU) })
        .Add("conv1d_transpose_same_stride2", new Shape(3, 7), () => new Layer[] { new Conv1DTranspose(2, 5, strides: 2, padding: Padding.Same, useBias: false) })
        .Add("conv3d_transpose_stride2", new Shape(2, 3, 4, 3), () => new Layer[] { new Conv3DTranspose(2, 3, strides: 2, padding: 1, outputPadding: 1) });

    public static TheoryData<string> Names => Cases.Names();

    [Theory]
    [MemberData(nameof(Names))]
    public void Should_MatchKernelwise_When_TransposedConvolutionIsRunInOnnxRuntime(string name) => Cases.AssertMatches(name);
}
