using Kernelwise.Layers;

namespace Kernelwise.Tests.Export.Converters;

public class AdaptivePoolingConverterTests
{
    private static readonly OnnxCases Cases = new OnnxCases()
        .Add("adaptive2d_divisible", new Shape(3, 8, 6), () => new Layer[] { new AdaptiveAveragePooling2D(new SpatialSize(4, 3)) })
        .Add("adaptive2d_overlapping_windows", new Shape(3, 7, 5), () => new Layer[] { new AdaptiveAveragePooling2D(new SpatialSize(3, 2)) })
        .Add("adaptive2d_one_dimension_unchanged", new Shape(2, 5, 6), () => new Layer[] { new AdaptiveAveragePooling2D(new SpatialSize(5, 4)) })
        .Add("adaptive2d_upsampling_size", new Shape(2, 3, 4), () => new Layer[] { new AdaptiveAveragePooling2D(new SpatialSize(5, 6)) })
        .Add("adaptive1d_overlapping_windows", new Shape(3, 10), () => new Layer[] { new AdaptiveAveragePooling1D(4) })
        .Add("adaptive3d_overlapping_windows", new Shape(2, 5, 6, 7), () => new Layer[] { new AdaptiveAveragePooling3D(new SpatialSize(2, 4, 3)) })
        .Add("adaptive3d_divisible", new Shape(2, 4, 6, 8), () => new Layer[] { new AdaptiveAveragePooling3D(2) });

    public static TheoryData<string> Names => Cases.Names();

    [Theory]
    [MemberData(nameof(Names))]
    public void Should_MatchKernelwise_When_AdaptivePoolingIsRunInOnnxRuntime(string name) => Cases.AssertMatches(name);
}
