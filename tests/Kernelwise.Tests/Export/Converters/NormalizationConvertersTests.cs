using Kernelwise.Layers;

namespace Kernelwise.Tests.Export.Converters;

/// <summary>Batch normalization in inference form (running statistics) and layer normalization over channels or all features.</summary>
public class NormalizationConvertersTests
{
    private static readonly OnnxCases Cases = new OnnxCases()
        .Add("batch_norm_features", new Shape(6), () => new Layer[] { new Dense(5), new BatchNormalization() })
        .Add("batch_norm_1d", new Shape(3, 8), () => new Layer[] { new BatchNormalization(epsilon: 1e-3) })
        .Add("batch_norm_2d_after_conv", new Shape(2, 6, 6), () => new Layer[] { new Conv2D(4, 3, useBias: false), new BatchNormalization(), new ActivationLayer(Activation.ReLU) })
        .Add("batch_norm_3d", new Shape(3, 3, 4, 5), () => new Layer[] { new BatchNormalization() })
        .Add("layer_norm_channels_features", new Shape(6), () => new Layer[] { new LayerNormalization() })
        .Add("layer_norm_channels_2d", new Shape(4, 3, 5), () => new Layer[] { new LayerNormalization(epsilon: 1e-3) })
        .Add("layer_norm_channels_1d", new Shape(4, 7), () => new Layer[] { new LayerNormalization() })
        .Add("layer_norm_all_features_features", new Shape(6), () => new Layer[] { new LayerNormalization(NormalizationAxes.AllFeatures) })
        .Add("layer_norm_all_features_2d", new Shape(4, 3, 5), () => new Layer[] { new LayerNormalization(NormalizationAxes.AllFeatures) })
        .Add("layer_norm_all_features_3d", new Shape(2, 3, 4, 2), () => new Layer[] { new LayerNormalization(NormalizationAxes.AllFeatures, epsilon: 1e-2) });

    public static TheoryData<string> Names => Cases.Names();

    [Theory]
    [MemberData(nameof(Names))]
    public void Should_MatchKernelwise_When_NormalizationIsRunInOnnxRuntime(string name) => Cases.AssertMatches(name);
}
