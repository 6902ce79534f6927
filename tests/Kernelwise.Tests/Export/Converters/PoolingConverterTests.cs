using Kernelwise.Layers;

namespace Kernelwise.Tests.Export.Converters;

public class PoolingConverterTests
{
    private static readonly OnnxCases Cases = new OnnxCases()
        .Add("max2d_valid", new Shape(3, 8, 9), () => new Layer[] { new MaxPooling2D(2) })
        .Add("max2d_same_asymmetric", new Shape(3, 9, 8), () => new Layer[] { new MaxPooling2D(3, strides: 2, padding: Padding.Same) })
        .Add("max2d_explicit_padding", new Shape(2, 7, 7), () => new Layer[] { new MaxPooling2D(3, strides: 2, padding: 1) })
        .Add("avg2d_valid_overlapping", new Shape(3, 8, 9), () => new Layer[] { new AveragePooling2D(3, strides: 1) })
        .Add("avg2d_same_asymmetric_excludes_padding", new Shape(3, 9, 8), () => new Layer[] { new AveragePooling2D(2, strides: 2, padding: Padding.Same) })
        .Add("avg2d_same_stride1_even_pool", new Shape(2, 6, 7), () => new Layer[] { new AveragePooling2D(4, strides: 1, padding: Padding.Same) })
        .Add("avg2d_explicit_padding", new Shape(2, 7, 6), () => new Layer[] { new AveragePooling2D(3, strides: 2, padding: 1) })
        .Add("max1d_same", new Shape(3, 11), () => new Layer[] { new MaxPooling1D(2, padding: Padding.Same) })
        .Add("avg1d_same_stride1", new Shape(3, 10), () => new Layer[] { new AveragePooling1D(4, strides: 1, padding: Padding.Same) })
        .Add("max3d_same", new Shape(2, 5, 6, 7), () => new Layer[] { new MaxPooling3D(2, padding: Padding.Same) })
        .Add("avg3d_same_asymmetric", new Shape(2, 5, 6, 7), () => new Layer[] { new AveragePooling3D(3, strides: 2, padding: Padding.Same) })
        .Add("avg3d_input_smaller_than_window", new Shape(2, 2, 4, 4), () => new Layer[] { new AveragePooling3D(3, strides: 1, padding: 1) });

    public static TheoryData<string> Names => Cases.Names();

    [Theory]
    [MemberData(nameof(Names))]
    public void Should_MatchKernelwise_When_PoolingIsRunInOnnxRuntime(string name) => Cases.AssertMatches(name);
}
