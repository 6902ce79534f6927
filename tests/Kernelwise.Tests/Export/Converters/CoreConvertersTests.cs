using Kernelwise.Layers;

namespace Kernelwise.Tests.Export.Converters;

/// <summary>Dense, Flatten, Reshape, Dropout and SpatialDropout2D (removed at inference), ZeroPadding2D, UpSampling2D.</summary>
public class CoreConvertersTests
{
    private static readonly OnnxCases Cases = new OnnxCases()
        .Add("flatten_dense", new Shape(2, 3, 4), () => new Layer[] { new Flatten(), new Dense(5) })
        .Add("dense_relu_dense_no_bias", new Shape(6), () => new Layer[] { new Dense(8, Activation.ReLU), new Dense(3, useBias: false) })
        .Add("dense_softmax", new Shape(6), () => new Layer[] { new Dense(4, Activation.Softmax) })
        .Add("flatten_1d_input", new Shape(5), () => new Layer[] { new Flatten() })
        .Add("reshape_inferred", new Shape(2, 3, 4), () => new Layer[] { new Reshape(new[] { -1, 6 }), new Conv1D(2, 3) })
        .Add("reshape_to_image", new Shape(12), () => new Layer[] { new Reshape(new[] { 3, 2, 2 }), new Conv2D(2, 1) })
        .Add("dropout_between_dense", new Shape(6), () => new Layer[] { new Dense(5), new Dropout(0.5), new Dense(2) })
        .Add("dropout_last", new Shape(6), () => new Layer[] { new Dense(5), new Dropout(0.3) })
        .Add("dropout_only", new Shape(4), () => new Layer[] { new Dropout(0.3) })
        .Add("spatial_dropout", new Shape(2, 5, 5), () => new Layer[] { new Conv2D(3, 3), new SpatialDropout2D(0.5), new Conv2D(2, 1) })
        .Add("zero_padding_symmetric", new Shape(2, 4, 5), () => new Layer[] { new ZeroPadding2D(new SpatialSize(1, 2)), new Conv2D(2, 3) })
        .Add("zero_padding_asymmetric", new Shape(2, 4, 5), () => new Layer[] { new ZeroPadding2D((0, 2), (3, 1)) })
        .Add("upsampling_nearest", new Shape(2, 3, 4), () => new Layer[] { new UpSampling2D(new SpatialSize(2, 3)) })
        .Add("upsampling_bilinear", new Shape(2, 3, 4), () => new Layer[] { new UpSampling2D(2, UpSamplingInterpolation.Bilinear) })
        .Add("upsampling_bilinear_rectangular", new Shape(2, 5, 3), () => new Layer[] { new UpSampling2D(new SpatialSize(3, 2), UpSamplingInterpolation.Bilinear) });

    public static TheoryData<string> Names => Cases.Names();

    [Theory]
    [MemberData(nameof(Names))]
    public void Should_MatchKernelwise_When_LayerIsRunInOnnxRuntime(string name) => Cases.AssertMatches(name);
}
