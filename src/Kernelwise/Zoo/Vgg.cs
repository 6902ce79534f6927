using Kernelwise.Layers;
using Kernelwise.Models;
using static Kernelwise.Zoo.ZooBuilder;

namespace Kernelwise.Zoo;

/// <summary>VGG (Simonyan and Zisserman, 2014): stacks of 3×3 convolutions, configurations A, B, D and E.</summary>
internal static class Vgg
{
    private const int M = 0; // max pooling

    private static readonly Dictionary<int, int[]> Configurations = new()
    {
        [11] = new[] { 64, M, 128, M, 256, 256, M, 512, 512, M, 512, 512, M },
        [13] = new[] { 64, 64, M, 128, 128, M, 256, 256, M, 512, 512, M, 512, 512, M },
        [16] = new[] { 64, 64, M, 128, 128, M, 256, 256, 256, M, 512, 512, 512, M, 512, 512, 512, M },
        [19] = new[] { 64, 64, M, 128, 128, M, 256, 256, 256, 256, M, 512, 512, 512, 512, M, 512, 512, 512, 512, M },
    };

    /// <summary>
    /// VGG-11, 13, 16 or 19, with or without batch normalisation after each convolution.
    /// <see cref="ZooVariant.ImageNet"/>: torchvision's <c>vgg16</c> etc. — 3×3 convolutions with padding 1 and 2×2 max
    /// poolings, adaptive average pooling to 7×7 and a 4096-4096 classifier with dropout (VGG-16: 138,357,544
    /// parameters; VGG-16-BN: 138,365,992). <see cref="ZooVariant.SmallImages"/>: the same convolutions with "same"
    /// poolings (28 → 14 → 7 → 4 → 2 → 1) and a 512-512 classifier, the usual CIFAR adaptation.
    /// </summary>
    /// <remarks>
    /// Weighted layers are named after torchvision's indices in <c>features</c> and <c>classifier</c>
    /// (<c>features_0</c>, <c>features_1</c> for the batch norm, <c>classifier_0</c>, <c>classifier_3</c>,
    /// <c>classifier_6</c>), so <see cref="Torchvision"/> maps them to torchvision's state dict keys.
    /// </remarks>
    /// <param name="depth">11, 13, 16 or 19 weight layers.</param>
    /// <param name="batchNorm">Batch normalisation after every convolution (torchvision's <c>vgg16_bn</c>).</param>
    /// <param name="numClasses">Number of outputs (logits).</param>
    /// <param name="inputChannels">Input channels.</param>
    /// <param name="inputSize">Input height and width.</param>
    /// <param name="variant">ImageNet or small-image configuration; <see cref="ZooVariant.Auto"/> picks by size.</param>
    /// <param name="dropout">Dropout rate after each hidden classifier layer (0.5).</param>
    /// <param name="includeTop">False to end after the convolutional features (torchvision's <c>features</c>): no pooling to 7×7 and no classifier.</param>
    /// <param name="pooling">With <c>includeTop: false</c>, a global pooling after the features.</param>
    public static Sequential Create(int depth = 16, bool batchNorm = false, int numClasses = 1000, int inputChannels = 3, int inputSize = 224,
        ZooVariant variant = ZooVariant.Auto, double dropout = 0.5, bool includeTop = true, ZooPooling pooling = ZooPooling.None)
    {
        if (!Configurations.TryGetValue(depth, out var configuration))
            throw new ArgumentOutOfRangeException(nameof(depth), $"Invalid value for argument depth of VGG. Expected 11, 13, 16 or 19. Received depth={depth}.");
        string architecture = $"VGG-{depth}{(batchNorm ? "-BN" : "")}";
        variant = Resolve(architecture, numClasses, inputChannels, inputSize, variant);
        CheckTop(architecture, includeTop, pooling);
        var model = new Sequential(new Shape(inputChannels, inputSize, inputSize), $"vgg{depth}{(batchNorm ? "_bn" : "")}");
        int index = 0; // torchvision's position in `features`
        foreach (int v in configuration)
        {
            if (v == M)
            {
                if (variant == ZooVariant.ImageNet) model.MaxPooling2D(2);
                else model.MaxPooling2D(2, padding: Padding.Same);
                index++;
                continue;
            }
            if (batchNorm)
            {
                model.Conv2D(v, 3, padding: 1, name: $"features_{index}")
                    .BatchNormalization(name: $"features_{index + 1}")
                    .ReLU();
                index += 3;
            }
            else
            {
                model.Conv2D(v, 3, padding: 1, activation: Activation.ReLU, name: $"features_{index}");
                index += 2;
            }
        }
        if (!includeTop) return Checked(Pool(model, pooling), architecture, variant, inputSize);
        int hidden = variant == ZooVariant.ImageNet ? 4096 : 512;
        if (variant == ZooVariant.ImageNet) model.AdaptiveAveragePooling2D(7);
        model.Flatten()
            .Dense(hidden, Activation.ReLU, name: "classifier_0")
            .Dropout(dropout)
            .Dense(hidden, Activation.ReLU, name: "classifier_3")
            .Dropout(dropout)
            .Dense(numClasses, name: "classifier_6");
        return Checked(model, architecture, variant, inputSize);
    }
}
