using Kernelwise.Layers;

namespace Kernelwise.Tests.Export.Converters;

public class GlobalPoolingConverterTests
{
    private static readonly OnnxCases Cases = new OnnxCases()
        .Add("global_avg1d", new Shape(3, 9), () => new Layer[] { new GlobalAveragePooling1D() })
        .Add("global_avg2d", new Shape(3, 5, 6), () => new Layer[] { new GlobalAveragePooling2D() })
        .Add("global_avg2d_keep_dims", new Shape(3, 5, 6), () => new Layer[] { new GlobalAveragePooling2D(keepDims: true) })
        .Add("global_avg3d", new Shape(2, 3, 4, 5), () => new Layer[] { new GlobalAveragePooling3D() })
        .Add("global_max1d_keep_dims", new Shape(3, 9), () => new Layer[] { new GlobalMaxPooling1D(keepDims: true) })
        .Add("global_max2d", new Shape(3, 5, 6), () => new Layer[] { new GlobalMaxPooling2D() })
        .Add("global_max3d", new Shape(2, 3, 4, 5), () => new Layer[] { new GlobalMaxPooling3D() });

    public static TheoryData<string> Names => Cases.Names();

    [Theory]
    [MemberData(nameof(Names))]
    public void Should_MatchKernelwise_When_GlobalPoolingIsRunInOnnxRuntime(string name) => Cases.AssertMatches(name);
}
