using Kernelwise.Layers;
using Kernelwise.Models;

namespace Kernelwise.Tests.Layers;

public class LayerTests
{
    /// <summary>
    /// Configurations that only fail against an input: the model's Summary() and Build() throw, naming the layer, the
    /// input shape and the rule.
    /// </summary>
    public class BuildErrors
    {
        public static IEnumerable<object[]> Cases() => new List<object[]>
        {
            Case(() => new Sequential(new Shape(3, 28, 28)).Conv1D(4, 3),
                "Layer 'conv1d' (Conv1D) expected input with 3 dimensions (batch, channels, length); received (None, 3, 28, 28) with 4."),
            Case(() => new Sequential(new Shape(3, 28, 28)).Conv3D(4, 3),
                "Layer 'conv3d' (Conv3D) expected input with 5 dimensions (batch, channels, depth, height, width); received (None, 3, 28, 28) with 4."),
            Case(() => new Sequential(new Shape(2, 4)).Conv1D(4, 5),
                "Layer 'conv1d' (Conv1D) cannot accept input (None, 2, 4): kernel 5 is larger than the padded input 4 (4 + 0 + 0) in dimension length."),
            Case(() => new Sequential(new Shape(2, 6)).Conv1D(4, 3, dilation: 3),
                "Layer 'conv1d' (Conv1D) cannot accept input (None, 2, 6): dilated kernel 7 (d(k − 1) + 1 = 3·(3 − 1) + 1) is larger than the padded input 6 (6 + 0 + 0) in dimension length."),
            Case(() => new Sequential(new Shape(5, 4, 4, 4)).Conv3D(4, 3, groups: 2),
                "Layer 'conv3d' (Conv3D) cannot accept input (None, 5, 4, 4, 4): input channels 5 are not divisible by groups=2."),
            Case(() => new Sequential(new Shape(1, 2, 8, 8)).Conv3D(4, 3),
                "Layer 'conv3d' (Conv3D) cannot accept input (None, 1, 2, 8, 8): kernel 3 is larger than the padded input 2 (2 + 0 + 0) in dimension depth."),
            Case(() => new Sequential(new Shape(3, 28)).DepthwiseConv2D(3),
                "Layer 'depthwise_conv2d' (DepthwiseConv2D) expected input with 4 dimensions (batch, channels, height, width); received (None, 3, 28) with 3."),
            Case(() => new Sequential(new Shape(3, 6, 6)).DepthwiseConv2D(3, dilation: 3),
                "Layer 'depthwise_conv2d' (DepthwiseConv2D) cannot accept input (None, 3, 6, 6): dilated kernel 7 (d(k − 1) + 1 = 3·(3 − 1) + 1) is larger than the padded input 6 (6 + 0 + 0) in dimension height."),
            Case(() => new Sequential(new Shape(3, 4, 2)).SeparableConv2D(8, 3),
                "Layer 'separable_conv2d' (SeparableConv2D) cannot accept input (None, 3, 4, 2): kernel 3 is larger than the padded input 2 (2 + 0 + 0) in dimension width."),
            Case(() => new Sequential(new Shape(2, 3, 3)).Conv2DTranspose(4, 3, padding: 3),
                "Layer 'conv2d_transpose' (Conv2DTranspose) cannot accept input (None, 2, 3, 3): output size (n − 1)s − 2p + d(k − 1) + output_padding + 1 = (3 − 1)·1 − 2·3 + 1·(3 − 1) + 0 + 1 = -1 is below 1 in dimension height; reduce the padding."),
            Case(() => new Sequential(new Shape(3, 5, 5)).Conv2DTranspose(4, 3, groups: 2),
                "Layer 'conv2d_transpose' (Conv2DTranspose) cannot accept input (None, 3, 5, 5): input channels 3 are not divisible by groups=2."),
            Case(() => new Sequential(new Shape(2, 5, 5)).Conv1DTranspose(4, 3),
                "Layer 'conv1d_transpose' (Conv1DTranspose) expected input with 3 dimensions (batch, channels, length); received (None, 2, 5, 5) with 4."),
            Case(() => new Sequential(new Shape(2, 5, 5)).Conv3DTranspose(4, 3),
                "Layer 'conv3d_transpose' (Conv3DTranspose) expected input with 5 dimensions (batch, channels, depth, height, width); received (None, 2, 5, 5) with 4."),
            Case(() => new Sequential(new Shape(3, 5, 5)).GlobalAveragePooling1D(),
                "Layer 'global_average_pooling1d' (GlobalAveragePooling1D) expected input with 3 dimensions (batch, channels, length); received (None, 3, 5, 5) with 4."),
            Case(() => new Sequential(new Shape(1, 8, 8)).Flatten().GlobalMaxPooling2D(),
                "Layer 'global_max_pooling2d' (GlobalMaxPooling2D) expected input with 4 dimensions (batch, channels, height, width); received (None, 64) with 2."),
            Case(() => new Sequential(new Shape(1, 8, 8)).GlobalMaxPooling3D(),
                "Layer 'global_max_pooling3d' (GlobalMaxPooling3D) expected input with 5 dimensions (batch, channels, depth, height, width); received (None, 1, 8, 8) with 4."),
            Case(() => new Sequential(new Shape(2, 3)).MaxPooling1D(4),
                "Layer 'max_pooling1d' (MaxPooling1D) cannot accept input (None, 2, 3): pool size 4 is larger than the padded input 3 (3 + 0 + 0) in dimension length."),
            Case(() => new Sequential(new Shape(2, 8, 8)).AveragePooling3D(2),
                "Layer 'average_pooling3d' (AveragePooling3D) expected input with 5 dimensions (batch, channels, depth, height, width); received (None, 2, 8, 8) with 4."),
            Case(() => new Sequential(new Shape(2, 1, 8, 8)).MaxPooling3D(2),
                "Layer 'max_pooling3d' (MaxPooling3D) cannot accept input (None, 2, 1, 8, 8): pool size 2 is larger than the padded input 1 (1 + 0 + 0) in dimension depth."),
            Case(() => new Sequential(new Shape(2, 3)).Reshape([4, 2]),
                "Layer 'reshape' (Reshape) cannot accept input (None, 2, 3): target shape (4, 2) holds 8 values but the input holds 6; the sizes must multiply to the same number (use -1 to infer one dimension)."),
            Case(() => new Sequential(new Shape(2, 3, 5)).Reshape([4, -1]),
                "Layer 'reshape' (Reshape) cannot accept input (None, 2, 3, 5): cannot infer the -1 in target shape (4, -1): 30 values are not divisible by 4 (the product of the other sizes)."),
            Case(() => new Sequential(new Shape(3, 8)).ZeroPadding2D(1),
                "Layer 'zero_padding2d' (ZeroPadding2D) expected input with 4 dimensions (batch, channels, height, width); received (None, 3, 8) with 3."),
            Case(() => new Sequential(new Shape(8)).UpSampling2D(),
                "Layer 'up_sampling2d' (UpSampling2D) expected input with 4 dimensions (batch, channels, height, width); received (None, 8) with 2."),
            Case(() => new Sequential(new Shape(8)).SpatialDropout2D(0.2),
                "Layer 'spatial_dropout2d' (SpatialDropout2D) expected input with 4 dimensions (batch, channels, height, width); received (None, 8) with 2."),
            Case(() => new Sequential(new Shape(1, 2, 3, 4, 5)).BatchNormalization(),
                "Layer 'batch_normalization' (BatchNormalization) expected input with 2 to 5 dimensions (batch, channels, ...); received (None, 1, 2, 3, 4, 5) with 6."),
            Case(() => new Sequential(new Shape(3, 8, 8)).AdaptiveAveragePooling1D(2),
                "Layer 'adaptive_average_pooling1d' (AdaptiveAveragePooling1D) expected input with 3 dimensions (batch, channels, length); received (None, 3, 8, 8) with 4."),
            Case(() => new Sequential(new Shape(1, 4, 4, 4)).Conv3D(2, 3).Dense(3),
                "Layer 'dense' (Dense) expected input with 2 dimensions (batch, features); received (None, 2, 2, 2, 2) with 5. Add Flatten() before it."),
        };

        private static object[] Case(Func<Sequential> define, string message) => new object[] { define, message };

        [Theory]
        [MemberData(nameof(Cases))]
        public void Should_NameTheLayerTheInputAndTheRule_When_TheModelIsSummarizedOrBuilt(Func<Sequential> define, string message)
        {
            var fromSummary = Assert.Throws<ModelBuildException>(() => define().Summary());
            Assert.Equal(message, fromSummary.Message);
            var fromBuild = Assert.Throws<ModelBuildException>(() => define().Build(ComputeDevice.Cpu));
            Assert.Equal(message, fromBuild.Message);
            Assert.Contains($"'{fromBuild.LayerName}'", message);
        }
    }

    /// <summary>Configurations wrong whatever the input: the constructor (and the fluent method) throws, naming the argument and value.</summary>
    public class ArgumentErrors
    {
        public static IEnumerable<object[]> Cases() => new List<object[]>
        {
            Case(() => new Conv2DTranspose(4, 3, strides: 2, outputPadding: 2), "outputPadding",
                "Invalid value for argument outputPadding of Conv2DTranspose. Each output padding must be smaller than the stride or the dilation of its dimension. Received outputPadding=2 with strides=2 and dilation=1 in dimension height."),
            Case(() => new Conv1DTranspose(4, 3, outputPadding: 1), "outputPadding",
                "Invalid value for argument outputPadding of Conv1DTranspose. Each output padding must be smaller than the stride or the dilation of its dimension. Received outputPadding=1 with strides=1 and dilation=1 in dimension length."),
            Case(() => new Conv3DTranspose(4, 3, strides: (1, 2, 2), outputPadding: (0, 1, 2)), "outputPadding",
                "Invalid value for argument outputPadding of Conv3DTranspose. Each output padding must be smaller than the stride or the dilation of its dimension. Received outputPadding=2 with strides=2 and dilation=1 in dimension width."),
            Case(() => new Conv2DTranspose(4, 3, strides: 2, padding: Padding.Same, outputPadding: 1), "outputPadding",
                "Invalid value for argument outputPadding of Conv2DTranspose. Padding.Same fixes the output size at input·strides, so outputPadding must be 0 with it. Received outputPadding=1. " +
                "Keras's Conv2DTranspose accepts the pair and crops (dilated kernel) // 2 from each side instead; for its output size (n − 1)s + d(k − 1) + 1 − 2·(that crop) + output_padding, pass padding: 1, outputPadding: 1."),
            Case(() => new Conv3DTranspose(4, 3, outputPadding: -1), "outputPadding",
                "Invalid value for argument outputPadding of Conv3DTranspose. Expected values of 0 or more. Received outputPadding=-1."),
            Case(() => new Conv2DTranspose(6, 3, groups: 4), "groups",
                "Invalid value for argument groups of Conv2DTranspose. The number of filters must be divisible by groups. Received filters=6, groups=4."),
            Case(() => new Conv1DTranspose(0, 3), "filters",
                "Invalid value for argument filters of Conv1DTranspose. Expected a strictly positive value. Received filters=0."),
            Case(() => new DepthwiseConv2D(3, depthMultiplier: 0), "depthMultiplier",
                "Invalid value for argument depthMultiplier of DepthwiseConv2D. Expected a strictly positive value. Received depthMultiplier=0."),
            Case(() => new SeparableConv2D(8, 3, depthMultiplier: -1), "depthMultiplier",
                "Invalid value for argument depthMultiplier of SeparableConv2D. Expected a strictly positive value. Received depthMultiplier=-1."),
            Case(() => new SeparableConv2D(0, 3), "filters",
                "Invalid value for argument filters of SeparableConv2D. Expected a strictly positive value. Received filters=0."),
            Case(() => new Conv3D(5, 3, groups: 2), "groups",
                "Invalid value for argument groups of Conv3D. The number of filters must be divisible by groups. Received filters=5, groups=2."),
            Case(() => new Conv1D(4, 3, dilation: 0), "dilation",
                "Invalid value for argument dilation of Conv1D. Expected strictly positive values. Received dilation=0."),
            Case(() => new Reshape([-1, 4, -1]), "targetShape",
                "Invalid value for argument targetShape of Reshape. Expected at most one -1 (the inferred dimension). Received targetShape=(-1, 4, -1)."),
            Case(() => new Reshape([4, 0]), "targetShape",
                "Invalid value for argument targetShape of Reshape. Expected sizes of 1 or more, or -1 for one inferred dimension. Received targetShape=(4, 0)."),
            Case(() => new Reshape([]), "targetShape",
                "Invalid value for argument targetShape of Reshape. Expected at least one dimension. Received targetShape=()."),
            Case(() => new UpSampling2D(0), "size",
                "Invalid value for argument size of UpSampling2D. Expected strictly positive values. Received size=0."),
            Case(() => new ZeroPadding2D(-1), "padding",
                "Invalid value for argument padding of ZeroPadding2D. Expected values of 0 or more. Received padding=-1."),
            Case(() => new ZeroPadding2D((1, -2), (0, 0)), "height",
                "Invalid value for argument padding of ZeroPadding2D. Expected values of 0 or more. Received padding=((1, -2), (0, 0))."),
            Case(() => new ActivationLayer(Activation.ReLU, 0.3), "alpha",
                "Invalid value for argument alpha of ActivationLayer. alpha applies to LeakyReLU and ELU only. Received alpha=0.3 with activation=ReLU."),
            Case(() => new Sequential(new Shape(4)).LeakyReLU(-0.3), "alpha",
                "Invalid value for argument alpha of LeakyReLU. Expected a finite value of 0 or more. Received alpha=-0.3."),
            Case(() => new SpatialDropout2D(1), "rate",
                "Invalid value for argument rate of SpatialDropout2D. Expected a value in [0, 1). Received rate=1."),
            Case(() => new LayerNormalization(epsilon: 0), "epsilon",
                "Invalid value for argument epsilon of LayerNormalization. Expected a strictly positive, finite value. Received epsilon=0."),
            Case(() => new MaxPooling3D((2, 2)), "poolSize",
                "Invalid value for argument poolSize of MaxPooling3D. Expected 1 or 3 values. Received poolSize=(2, 2)."),
            Case(() => new AdaptiveAveragePooling1D(0), "outputSize",
                "Invalid value for argument outputSize of AdaptiveAveragePooling1D. Expected strictly positive values. Received outputSize=0."),
            Case(() => new AveragePooling1D(3, padding: 2), "padding",
                "Invalid value for argument padding of AveragePooling1D. Padding must be at most half the pool size. Received padding=2, poolSize=3."),
        };

        private static object[] Case(Action create, string argument, string message) => new object[] { create, argument, message };

        [Theory]
        [MemberData(nameof(Cases))]
        public void Should_NameTheArgumentTheRuleAndTheValue_When_TheLayerIsCreated(Action create, string argument, string message)
        {
            var e = Assert.ThrowsAny<ArgumentException>(create);
            Assert.Equal(argument, e.ParamName);
            Assert.StartsWith(message + " (Parameter '" + argument + "')", e.Message);
        }
    }
}
