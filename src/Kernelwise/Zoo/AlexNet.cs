using Kernelwise.Layers;
using Kernelwise.Models;
using static Kernelwise.Zoo.ZooBuilder;

namespace Kernelwise.Zoo;

/// <summary>AlexNet (Krizhevsky et al., 2012) in torchvision's single-stream form.</summary>
internal static class AlexNet
{
    /// <summary>
    /// AlexNet. <see cref="ZooVariant.ImageNet"/>: torchvision's <c>alexnet</c> — five convolutions (11×11/4, 5×5, three
    /// 3×3) with three 3×3/2 max poolings, adaptive average pooling to 6×6, and a 4096-4096 classifier with dropout:
    /// 61,100,840 parameters for 3×224×224 inputs and 1000 classes (no local response normalisation, as torchvision).
    /// <see cref="ZooVariant.SmallImages"/>: the same five convolutions as 3×3 with padding 1 and 2×2 poolings, and a
    /// 1024-1024 classifier, for 28×28 / 32×32 inputs.
    /// </summary>
    /// <remarks>
    /// Layers with weights carry torchvision's module paths with dots as underscores (<c>features_0</c>,
    /// <c>classifier_6</c>), so <see cref="Torchvision"/> maps their tensors to <c>features.0.weight</c>,
    /// <c>classifier.6.weight</c>.
    /// </remarks>
    /// <param name="numClasses">Number of outputs (logits).</param>
    /// <param name="inputChannels">Input channels.</param>
    /// <param name="inputSize">Input height and width.</param>
    /// <param name="variant">ImageNet or small-image configuration; <see cref="ZooVariant.Auto"/> picks by size.</param>
    /// <param name="dropout">Dropout rate before each hidden classifier layer (0.5).</param>
    /// <param name="includeTop">False to end after the convolutional features (torchvision's <c>features</c>): no pooling to 6×6 and no classifier.</param>
    /// <param name="pooling">With <c>includeTop: false</c>, a global pooling after the features.</param>
    public static Sequential Create(int numClasses = 1000, int inputChannels = 3, int inputSize = 224, ZooVariant variant = ZooVariant.Auto, double dropout = 0.5,
        bool includeTop = true, ZooPooling pooling = ZooPooling.None)
    {
        variant = Resolve("AlexNet", numClasses, inputChannels, inputSize, variant);
        CheckTop("AlexNet", includeTop, pooling);
        var relu = Activation.ReLU;
        var model = new Sequential(new Shape(inputChannels, inputSize, inputSize), "alexnet");
        if (variant == ZooVariant.ImageNet)
        {
            model.Conv2D(64, 11, strides: 4, padding: 2, activation: relu, name: "features_0")
                .MaxPooling2D(3, strides: 2)
                .Conv2D(192, 5, padding: 2, activation: relu, name: "features_3")
                .MaxPooling2D(3, strides: 2)
                .Conv2D(384, 3, padding: 1, activation: relu, name: "features_6")
                .Conv2D(256, 3, padding: 1, activation: relu, name: "features_8")
                .Conv2D(256, 3, padding: 1, activation: relu, name: "features_10")
                .MaxPooling2D(3, strides: 2);
            if (!includeTop) return Checked(Pool(model, pooling), "AlexNet", variant, inputSize);
            model.AdaptiveAveragePooling2D(6)
                .Flatten()
                .Dropout(dropout)
                .Dense(4096, relu, name: "classifier_1")
                .Dropout(dropout)
                .Dense(4096, relu, name: "classifier_4")
                .Dense(numClasses, name: "classifier_6");
        }
        else
        {
            model.Conv2D(64, 3, padding: 1, activation: relu, name: "features_0")
                .MaxPooling2D(2)
                .Conv2D(192, 3, padding: 1, activation: relu, name: "features_3")
                .MaxPooling2D(2)
                .Conv2D(384, 3, padding: 1, activation: relu, name: "features_6")
                .Conv2D(256, 3, padding: 1, activation: relu, name: "features_8")
                .Conv2D(256, 3, padding: 1, activation: relu, name: "features_10")
                .MaxPooling2D(2);
            if (!includeTop) return Checked(Pool(model, pooling), "AlexNet", variant, inputSize);
            model.Flatten()
                .Dropout(dropout)
                .Dense(1024, relu, name: "classifier_1")
                .Dropout(dropout)
                .Dense(1024, relu, name: "classifier_4")
                .Dense(numClasses, name: "classifier_6");
        }
        return Checked(model, "AlexNet", variant, inputSize);
    }
}
