using Kernelwise.Layers;
using Kernelwise.Models;

namespace Kernelwise.Zoo;

/// <summary>
/// The classic convolutional networks of the chapter, as <see cref="Sequential"/> definitions built with the same public
/// builder a user has (Keras's <c>keras.applications</c>, torchvision's <c>models</c>): summarise them, change them,
/// then <c>Build()</c>. Parameter counts equal torchvision's for the ImageNet configurations; each also has a
/// small-image variant (<see cref="ZooVariant.SmallImages"/>) for 28–64-pixel inputs. Layer names follow torchvision's
/// module paths, so <see cref="Torchvision"/> maps their weights to torchvision state dicts, and
/// <see cref="PretrainedWeights"/> fetches torchvision's published ImageNet weights for them. Every architecture with
/// published weights can be built without its classifier (<c>includeTop: false</c>, Keras's <c>include_top</c>) with a
/// choice of global pooling, as a backbone for a new head.
/// </summary>
public static class ModelZoo
{
    /// <summary>LeNet-5 (LeCun et al., 1998): two 5×5 convolutions with average pooling, three dense layers (61,706 parameters for 1×32×32 and 10 classes).</summary>
    /// <param name="numClasses">Number of outputs (logits).</param>
    /// <param name="inputChannels">Input channels.</param>
    /// <param name="inputSize">Input height and width (28 pads the first convolution, as for MNIST).</param>
    /// <param name="activation">Hidden activation: tanh as in the paper, or ReLU.</param>
    public static Sequential LeNet5(int numClasses = 10, int inputChannels = 1, int inputSize = 32, Activation activation = Activation.Tanh)
        => LeNet.LeNet5(numClasses, inputChannels, inputSize, activation);

    /// <summary>AlexNet in torchvision's form (61,100,840 parameters for 3×224×224 and 1000 classes); see <c>AlexNet</c> in docs for the variants.</summary>
    /// <param name="numClasses">Number of outputs (logits).</param>
    /// <param name="inputChannels">Input channels.</param>
    /// <param name="inputSize">Input height and width.</param>
    /// <param name="variant">ImageNet or small-image configuration; <see cref="ZooVariant.Auto"/> picks by size.</param>
    /// <param name="dropout">Dropout rate before the dense layers.</param>
    /// <param name="includeTop">False for a backbone without its classifier (Keras's <c>include_top=False</c>); add your own head, or pass <paramref name="pooling"/>.</param>
    /// <param name="pooling">With <c>includeTop: false</c>: none (feature maps out), global average or global max pooling.</param>
    public static Sequential AlexNet(int numClasses = 1000, int inputChannels = 3, int inputSize = 224, ZooVariant variant = ZooVariant.Auto, double dropout = 0.5,
        bool includeTop = true, ZooPooling pooling = ZooPooling.None)
        => Zoo.AlexNet.Create(numClasses, inputChannels, inputSize, variant, dropout, includeTop, pooling);

    /// <summary>VGG-11 (configuration A), optionally with batch normalisation after every convolution.</summary>
    public static Sequential Vgg11(bool batchNorm = false, int numClasses = 1000, int inputChannels = 3, int inputSize = 224, ZooVariant variant = ZooVariant.Auto, double dropout = 0.5,
        bool includeTop = true, ZooPooling pooling = ZooPooling.None)
        => Vgg.Create(11, batchNorm, numClasses, inputChannels, inputSize, variant, dropout, includeTop, pooling);

    /// <summary>VGG-13 (configuration B), optionally with batch normalisation.</summary>
    public static Sequential Vgg13(bool batchNorm = false, int numClasses = 1000, int inputChannels = 3, int inputSize = 224, ZooVariant variant = ZooVariant.Auto, double dropout = 0.5,
        bool includeTop = true, ZooPooling pooling = ZooPooling.None)
        => Vgg.Create(13, batchNorm, numClasses, inputChannels, inputSize, variant, dropout, includeTop, pooling);

    /// <summary>VGG-16 (configuration D; 138,357,544 parameters for 3×224×224 and 1000 classes), optionally with batch normalisation.</summary>
    public static Sequential Vgg16(bool batchNorm = false, int numClasses = 1000, int inputChannels = 3, int inputSize = 224, ZooVariant variant = ZooVariant.Auto, double dropout = 0.5,
        bool includeTop = true, ZooPooling pooling = ZooPooling.None)
        => Vgg.Create(16, batchNorm, numClasses, inputChannels, inputSize, variant, dropout, includeTop, pooling);

    /// <summary>VGG-19 (configuration E), optionally with batch normalisation.</summary>
    public static Sequential Vgg19(bool batchNorm = false, int numClasses = 1000, int inputChannels = 3, int inputSize = 224, ZooVariant variant = ZooVariant.Auto, double dropout = 0.5,
        bool includeTop = true, ZooPooling pooling = ZooPooling.None)
        => Vgg.Create(19, batchNorm, numClasses, inputChannels, inputSize, variant, dropout, includeTop, pooling);

    /// <summary>GoogLeNet / Inception-v1 in torchvision's form (6,624,904 parameters without auxiliary heads), optionally with the two auxiliary heads.</summary>
    /// <param name="numClasses">Number of outputs (logits).</param>
    /// <param name="inputChannels">Input channels.</param>
    /// <param name="inputSize">Input height and width.</param>
    /// <param name="variant">ImageNet or small-image configuration.</param>
    /// <param name="auxiliaryOutputs">A collector for the auxiliary heads' outputs (train with <see cref="AuxiliaryLoss"/>); null for none.</param>
    /// <param name="dropout">Dropout rate before the classifier.</param>
    /// <param name="includeTop">False for a backbone without its classifier (Keras's <c>include_top=False</c>); add your own head, or pass <paramref name="pooling"/>.</param>
    /// <param name="pooling">With <c>includeTop: false</c>: none (feature maps out), global average or global max pooling.</param>
    public static Sequential GoogLeNet(int numClasses = 1000, int inputChannels = 3, int inputSize = 224, ZooVariant variant = ZooVariant.Auto,
        AuxiliaryOutputs? auxiliaryOutputs = null, double dropout = 0.2, bool includeTop = true, ZooPooling pooling = ZooPooling.None)
        => Zoo.GoogLeNet.Create(numClasses, inputChannels, inputSize, variant, auxiliaryOutputs, dropout, includeTop, pooling);

    /// <summary>ResNet-18 (basic blocks; 11,689,512 parameters for 3×224×224 and 1000 classes).</summary>
    /// <param name="numClasses">Number of outputs (logits).</param>
    /// <param name="inputChannels">Input channels.</param>
    /// <param name="inputSize">Input height and width.</param>
    /// <param name="variant">ImageNet (7×7 stem and max pooling) or small-image (3×3 stem) configuration.</param>
    /// <param name="width">Channels of the stem and first stage (64); smaller values give a narrow network of the same depth.</param>
    /// <param name="includeTop">False for a backbone without its classifier (Keras's <c>include_top=False</c>); add your own head, or pass <paramref name="pooling"/>.</param>
    /// <param name="pooling">With <c>includeTop: false</c>: none (feature maps out), global average or global max pooling.</param>
    public static Sequential ResNet18(int numClasses = 1000, int inputChannels = 3, int inputSize = 224, ZooVariant variant = ZooVariant.Auto, int width = 64,
        bool includeTop = true, ZooPooling pooling = ZooPooling.None)
        => ResNet.Create(18, numClasses, inputChannels, inputSize, variant, width, includeTop, pooling);

    /// <summary>ResNet-34 (basic blocks; 21,797,672 parameters for 3×224×224 and 1000 classes).</summary>
    public static Sequential ResNet34(int numClasses = 1000, int inputChannels = 3, int inputSize = 224, ZooVariant variant = ZooVariant.Auto, int width = 64,
        bool includeTop = true, ZooPooling pooling = ZooPooling.None)
        => ResNet.Create(34, numClasses, inputChannels, inputSize, variant, width, includeTop, pooling);

    /// <summary>ResNet-50 (bottleneck blocks; 25,557,032 parameters for 3×224×224 and 1000 classes).</summary>
    public static Sequential ResNet50(int numClasses = 1000, int inputChannels = 3, int inputSize = 224, ZooVariant variant = ZooVariant.Auto, int width = 64,
        bool includeTop = true, ZooPooling pooling = ZooPooling.None)
        => ResNet.Create(50, numClasses, inputChannels, inputSize, variant, width, includeTop, pooling);

    /// <summary>
    /// A small residual network for 28×28 and 32×32 images: a 3×3 stem with max pooling, four basic residual blocks at
    /// widths w, 2w, 2w, 4w (two of them with stride 2), global average pooling, dropout and a linear classifier —
    /// 370·w² + 99·w + 10 parameters for 1×28×28 and 10 classes: 382,058 at width 32 (14.0 M multiply-accumulates per
    /// image), 857,242 at width 48 (about 31 M). At width 48 it is the network of the time-to-accuracy recipe
    /// (docs/performance.md, examples/fashion-mnist-recipe.cs).
    /// </summary>
    /// <param name="numClasses">Number of outputs (logits).</param>
    /// <param name="inputChannels">Input channels (1 for grey images).</param>
    /// <param name="inputSize">Input height and width (28 for Fashion-MNIST, 32 for CIFAR).</param>
    /// <param name="width">Channels of the stem and the first block (32).</param>
    /// <param name="dropout">Dropout rate before the classifier (0 for none).</param>
    public static Sequential SmallResNet(int numClasses = 10, int inputChannels = 1, int inputSize = 28, int width = 32, double dropout = 0.2)
        => Zoo.SmallResNet.Create(numClasses, inputChannels, inputSize, width, dropout);
}
