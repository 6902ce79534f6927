using Kernelwise.Layers;
using Kernelwise.Models;

namespace Kernelwise.Tests;

/// <summary>Model definitions shared by several tests.</summary>
internal static class TestModels
{
    /// <summary>The TensorFlow-tutorial convnet of the Fashion-MNIST benchmark table (3,274,634 parameters).</summary>
    public static Sequential TutorialConvNet() => new Sequential(new Shape(1, 28, 28), "tutorial_convnet")
        .Conv2D(32, 5, padding: Padding.Same, activation: Activation.ReLU)
        .MaxPooling2D(2)
        .Conv2D(64, 5, padding: Padding.Same, activation: Activation.ReLU)
        .MaxPooling2D(2)
        .Flatten()
        .Dense(1024, Activation.ReLU)
        .Dropout(0.4)
        .Dense(10);

    /// <summary>A small batch-norm CNN for fast end-to-end tests.</summary>
    public static Sequential SmallBatchNormNet() => new Sequential(new Shape(1, 28, 28), "small_bn")
        .Conv2D(16, 3, padding: Padding.Same, useBias: false)
        .BatchNormalization()
        .ReLU()
        .MaxPooling2D(2)
        .Conv2D(32, 3, padding: Padding.Same, useBias: false)
        .BatchNormalization()
        .ReLU()
        .MaxPooling2D(2)
        .Flatten()
        .Dense(10);
}
