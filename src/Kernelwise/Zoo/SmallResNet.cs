using Kernelwise.Layers;
using Kernelwise.Models;
using static Kernelwise.Zoo.ZooBuilder;

namespace Kernelwise.Zoo;

/// <summary>
/// A small residual network for small grey or colour images (28×28 Fashion-MNIST and MNIST, 32×32 CIFAR): the network
/// of Kernelwise's time-to-accuracy recipe (docs/performance.md).
/// </summary>
internal static class SmallResNet
{
    /// <summary>
    /// A 3×3 stem of <paramref name="width"/> channels with batch normalisation and ReLU at full resolution, 2×2 max
    /// pooling, then four basic residual blocks (two 3×3 convolutions, each followed by batch normalisation) at widths
    /// w, 2w, 2w and 4w, the second and fourth with stride 2 and a 1×1 projection shortcut, then global average
    /// pooling, dropout and a linear classifier. For 1×28×28 inputs and 10 classes: 370·w² + 99·w + 10 parameters —
    /// 382,058 at width 32 (14.0 M multiply-accumulates per image), 857,242 at width 48 (about 31 M); ResNet-18 in its
    /// small-image form has 11.2 M parameters and 456 M multiply-accumulates at 28×28.
    /// </summary>
    public static Sequential Create(int numClasses, int inputChannels, int inputSize, int width, double dropout)
    {
        Guard.Positive(width);
        const string architecture = "SmallResNet";
        Resolve(architecture, numClasses, inputChannels, inputSize, ZooVariant.SmallImages);
        if (dropout is < 0 or >= 1)
            throw new ArgumentOutOfRangeException(nameof(dropout), $"Invalid value for argument dropout of {architecture}. Expected 0 <= dropout < 1. Received dropout={dropout}.");

        var model = new Sequential(new Shape(inputChannels, inputSize, inputSize), "small_resnet")
            .Conv2D(width, 3, padding: 1, useBias: false, name: "stem_conv")
            .BatchNormalization(name: "stem_bn")
            .ReLU(name: "stem_relu")
            .MaxPooling2D(2, name: "stem_pool");
        int channels = width;
        (int Planes, int Stride)[] blocks = { (width, 1), (2 * width, 2), (2 * width, 1), (4 * width, 2) };
        for (int i = 0; i < blocks.Length; i++)
        {
            var (planes, stride) = blocks[i];
            string p = $"block{i + 1}";
            Func<LayerStack, LayerStack>? shortcut = stride != 1 || channels != planes
                ? s => s.Conv2D(planes, 1, strides: stride, useBias: false, name: p + "_shortcut_conv").BatchNormalization(name: p + "_shortcut_bn")
                : null;
            model.Residual(b => b
                    .Conv2D(planes, 3, strides: stride, padding: 1, useBias: false, name: p + "_conv1")
                    .BatchNormalization(name: p + "_bn1")
                    .ReLU(name: p + "_relu1")
                    .Conv2D(planes, 3, padding: 1, useBias: false, name: p + "_conv2")
                    .BatchNormalization(name: p + "_bn2"),
                shortcut, activation: Activation.ReLU, name: p);
            channels = planes;
        }
        model.GlobalAveragePooling2D(name: "pool");
        if (dropout > 0) model.Dropout(dropout, name: "dropout");
        return Checked(model.Dense(numClasses, name: "classifier"), architecture, ZooVariant.SmallImages, inputSize);
    }
}
