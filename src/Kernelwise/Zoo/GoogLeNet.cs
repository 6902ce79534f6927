using Kernelwise.Layers;
using Kernelwise.Models;
using static Kernelwise.Zoo.ZooBuilder;

namespace Kernelwise.Zoo;

/// <summary>GoogLeNet / Inception-v1 (Szegedy et al., 2014) in torchvision's form, built from <see cref="Branches"/>.</summary>
internal static class GoogLeNet
{
    /// <summary>
    /// GoogLeNet. <see cref="ZooVariant.ImageNet"/>: torchvision's <c>googlenet</c> — a 7×7/2 stem, nine Inception
    /// modules (3a–5b), global average pooling, dropout 0.2 and a linear classifier: 6,624,904 parameters for
    /// 3×224×224 inputs and 1000 classes (13,004,888 with the two auxiliary heads). <see cref="ZooVariant.SmallImages"/>:
    /// the stem's first convolution is 3×3/1 and its first max pooling is dropped, so 28×28 inputs reach the Inception
    /// modules at 14×14, 7×7 and 4×4.
    /// </summary>
    /// <remarks>
    /// <para>Each convolution is torchvision's <c>BasicConv2d</c>: convolution without bias, batch normalisation with
    /// epsilon 0.001, ReLU. Each Inception module is a <see cref="Branches"/> layer with four paths: 1×1; 1×1 → 3×3;
    /// 1×1 → 3×3 (torchvision's 3×3 where the paper has 5×5, kept so that torchvision's weights fit); 3×3/1 max pooling
    /// → 1×1. torchvision's max poolings use <c>ceil_mode=True</c>; the equivalent padding is chosen per layer.</para>
    /// <para>Auxiliary heads: pass an <see cref="AuxiliaryOutputs"/> collector to add torchvision's two
    /// <c>InceptionAux</c> heads after 4a and 4d (4×4 adaptive average pooling, 1×1 convolution to 128, dense 1024,
    /// dropout 0.7, dense classes). They run in training only; train with
    /// <c>new AuxiliaryLoss(new CrossEntropy(), aux, weight: 0.3)</c> to add 0.3 × each head's loss, as the paper does.</para>
    /// <para>Names follow torchvision's module paths with dots as underscores (<c>inception3a_branch2_1_conv</c>,
    /// <c>aux1_fc2</c>); see <see cref="Torchvision"/>. torchvision's pretrained GoogLeNet also sets
    /// <c>transform_input=True</c>, a fixed per-channel affine map of the ImageNet-normalised input; apply it to the
    /// data when using those weights, as this model takes the normalised input as it is.</para>
    /// </remarks>
    /// <param name="numClasses">Number of outputs (logits).</param>
    /// <param name="inputChannels">Input channels.</param>
    /// <param name="inputSize">Input height and width.</param>
    /// <param name="variant">ImageNet or small-image configuration; <see cref="ZooVariant.Auto"/> picks by size.</param>
    /// <param name="auxiliaryOutputs">When given, the two auxiliary heads are added and record into it.</param>
    /// <param name="dropout">Dropout rate before the classifier (0.2).</param>
    /// <param name="includeTop">False to end after inception5b: no pooling, dropout and classifier.</param>
    /// <param name="pooling">With <c>includeTop: false</c>, the global pooling after inception5b.</param>
    public static Sequential Create(int numClasses = 1000, int inputChannels = 3, int inputSize = 224, ZooVariant variant = ZooVariant.Auto,
        AuxiliaryOutputs? auxiliaryOutputs = null, double dropout = 0.2, bool includeTop = true, ZooPooling pooling = ZooPooling.None)
    {
        variant = Resolve("GoogLeNet", numClasses, inputChannels, inputSize, variant);
        CheckTop("GoogLeNet", includeTop, pooling);
        if (!includeTop && auxiliaryOutputs is not null)
            throw new ArgumentException("Invalid value for argument auxiliaryOutputs of GoogLeNet. The auxiliary heads are classifiers: build them with includeTop: true, or pass auxiliaryOutputs: null.", nameof(auxiliaryOutputs));
        var model = new Sequential(new Shape(inputChannels, inputSize, inputSize), "googlenet");
        if (variant == ZooVariant.ImageNet)
        {
            BasicConv(model, "conv1", 64, 7, strides: 2, padding: 3);
            model.MaxPooling2D(3, strides: 2, padding: CeilModePadding(model, 3, 2));
        }
        else
        {
            BasicConv(model, "conv1", 64, 3, padding: 1);
        }
        BasicConv(model, "conv2", 64, 1);
        BasicConv(model, "conv3", 192, 3, padding: 1);
        model.MaxPooling2D(3, strides: 2, padding: CeilModePadding(model, 3, 2));

        Inception(model, "inception3a", 64, 96, 128, 16, 32, 32);
        Inception(model, "inception3b", 128, 128, 192, 32, 96, 64);
        model.MaxPooling2D(3, strides: 2, padding: CeilModePadding(model, 3, 2));

        Inception(model, "inception4a", 192, 96, 208, 16, 48, 64);
        if (auxiliaryOutputs is not null) Auxiliary(model, "aux1", auxiliaryOutputs, numClasses);
        Inception(model, "inception4b", 160, 112, 224, 24, 64, 64);
        Inception(model, "inception4c", 128, 128, 256, 24, 64, 64);
        Inception(model, "inception4d", 112, 144, 288, 32, 64, 64);
        if (auxiliaryOutputs is not null) Auxiliary(model, "aux2", auxiliaryOutputs, numClasses);
        Inception(model, "inception4e", 256, 160, 320, 32, 128, 128);
        model.MaxPooling2D(2, strides: 2, padding: CeilModePadding(model, 2, 2));

        Inception(model, "inception5a", 256, 160, 320, 32, 128, 128);
        Inception(model, "inception5b", 384, 192, 384, 48, 128, 128);

        if (!includeTop) return Checked(Pool(model, pooling), "GoogLeNet", variant, inputSize);
        model.GlobalAveragePooling2D()
            .Dropout(dropout)
            .Dense(numClasses, name: "fc");
        return Checked(model, "GoogLeNet", variant, inputSize);
    }

    /// <summary>torchvision's BasicConv2d at module path <paramref name="path"/>: convolution (no bias), batch norm (eps 0.001), ReLU.</summary>
    private static T BasicConv<T>(T model, string path, int filters, int kernelSize, int strides = 1, int padding = 0)
        where T : ILayerChain<T>
        => model.Conv2D(filters, kernelSize, strides: strides, padding: padding, useBias: false, name: Tv(path + ".conv"))
            .BatchNormalization(epsilon: 0.001, name: Tv(path + ".bn"))
            .ReLU();

    private static Sequential Inception(Sequential model, string name, int ch1x1, int ch3x3Reduce, int ch3x3, int ch5x5Reduce, int ch5x5, int poolProjection)
        => model.Branches(name,
            b => BasicConv(b, $"{name}.branch1", ch1x1, 1),
            b => BasicConv(BasicConv(b, $"{name}.branch2.0", ch3x3Reduce, 1), $"{name}.branch2.1", ch3x3, 3, padding: 1),
            b => BasicConv(BasicConv(b, $"{name}.branch3.0", ch5x5Reduce, 1), $"{name}.branch3.1", ch5x5, 3, padding: 1),
            b => BasicConv(b.MaxPooling2D(3, strides: 1, padding: 1), $"{name}.branch4.1", poolProjection, 1));

    private static Sequential Auxiliary(Sequential model, string name, AuxiliaryOutputs outputs, int numClasses)
        => model.AuxiliaryOutput(outputs, h =>
            BasicConv(h.AdaptiveAveragePooling2D(4), $"{name}.conv", 128, 1)
                .Flatten()
                .Dense(1024, Activation.ReLU, name: Tv($"{name}.fc1"))
                .Dropout(0.7)
                .Dense(numClasses, name: Tv($"{name}.fc2")),
            name: name);
}
