using Kernelwise.Layers;
using Kernelwise.Models;
using static Kernelwise.Zoo.ZooBuilder;

namespace Kernelwise.Zoo;

/// <summary>Residual networks (He et al., 2015) in torchvision's form, built from <see cref="Residual"/> blocks.</summary>
internal static class ResNet
{
    /// <summary>
    /// ResNet-18 or 34 (basic blocks: two 3×3 convolutions) or ResNet-50 (bottlenecks: 1×1, 3×3, 1×1 with 4× expansion).
    /// <see cref="ZooVariant.ImageNet"/>: torchvision's <c>resnet18/34/50</c> — 7×7/2 stem and 3×3/2 max pooling, four
    /// stages of blocks at widths 64, 128, 256, 512 (stride 2 at the start of stages 2–4, with a 1×1 projection
    /// shortcut wherever the shape changes), global average pooling and a linear classifier: 11,689,512 /
    /// 21,797,672 / 25,557,032 parameters for 3×224×224 inputs and 1000 classes. <see cref="ZooVariant.SmallImages"/>:
    /// a 3×3/1 stem without max pooling (the CIFAR adaptation), so 32×32 inputs reach the stages at 32, 16, 8 and 4.
    /// </summary>
    /// <remarks>
    /// <para>Convolutions have no bias; each is followed by batch normalisation. Blocks are <see cref="Residual"/>
    /// layers with ReLU after the addition and the stride on the 3×3 convolution (torchvision's "ResNet v1.5").</para>
    /// <para>Names follow torchvision's module paths with dots as underscores: block <c>layer2_0</c> holds
    /// <c>layer2_0_conv1</c>, <c>layer2_0_bn1</c>, ... on its main path and <c>layer2_0_downsample_0</c> /
    /// <c>layer2_0_downsample_1</c> on its shortcut, so <see cref="Torchvision"/> maps
    /// <c>layer2_0.shortcut.layer2_0_downsample_0.weight</c> to <c>layer2.0.downsample.0.weight</c>.</para>
    /// <para>Weights use PyTorch's default initialisation, not torchvision's Kaiming-normal one; with batch
    /// normalisation this matters little for training from scratch.</para>
    /// </remarks>
    /// <param name="depth">18, 34 or 50.</param>
    /// <param name="numClasses">Number of outputs (logits).</param>
    /// <param name="inputChannels">Input channels.</param>
    /// <param name="inputSize">Input height and width.</param>
    /// <param name="variant">ImageNet or small-image configuration; <see cref="ZooVariant.Auto"/> picks by size.</param>
    /// <param name="width">Channels of the stem and the first stage (64); the stages use 1, 2, 4 and 8 times it. Smaller
    /// values give a narrow network with the same depth, for quick experiments.</param>
    /// <param name="includeTop">False to end after the last stage (a backbone): no pooling and classifier, unless <paramref name="pooling"/> asks for one.</param>
    /// <param name="pooling">With <c>includeTop: false</c>, the global pooling after the last stage.</param>
    public static Sequential Create(int depth = 18, int numClasses = 1000, int inputChannels = 3, int inputSize = 224,
        ZooVariant variant = ZooVariant.Auto, int width = 64, bool includeTop = true, ZooPooling pooling = ZooPooling.None)
    {
        int[] blocks = depth switch
        {
            18 => new[] { 2, 2, 2, 2 },
            34 or 50 => new[] { 3, 4, 6, 3 },
            _ => throw new ArgumentOutOfRangeException(nameof(depth), $"Invalid value for argument depth of ResNet. Expected 18, 34 or 50. Received depth={depth}."),
        };
        bool bottleneck = depth == 50;
        int expansion = bottleneck ? 4 : 1;
        Guard.Positive(width);
        string architecture = $"ResNet-{depth}";
        variant = Resolve(architecture, numClasses, inputChannels, inputSize, variant);
        CheckTop(architecture, includeTop, pooling);

        var model = new Sequential(new Shape(inputChannels, inputSize, inputSize), $"resnet{depth}");
        if (variant == ZooVariant.ImageNet)
        {
            model.Conv2D(width, 7, strides: 2, padding: 3, useBias: false, name: "conv1")
                .BatchNormalization(name: "bn1")
                .ReLU()
                .MaxPooling2D(3, strides: 2, padding: 1);
        }
        else
        {
            model.Conv2D(width, 3, padding: 1, useBias: false, name: "conv1")
                .BatchNormalization(name: "bn1")
                .ReLU();
        }

        int channels = width;
        for (int stage = 0; stage < 4; stage++)
        {
            int planes = width << stage;
            for (int i = 0; i < blocks[stage]; i++)
            {
                int stride = stage > 0 && i == 0 ? 2 : 1;
                string p = $"layer{stage + 1}.{i}";
                bool projection = stride != 1 || channels != planes * expansion;
                Func<LayerStack, LayerStack>? shortcut = projection
                    ? s => s.Conv2D(planes * expansion, 1, strides: stride, useBias: false, name: Tv(p + ".downsample.0"))
                        .BatchNormalization(name: Tv(p + ".downsample.1"))
                    : null;
                if (bottleneck)
                {
                    model.Residual(b => b
                            .Conv2D(planes, 1, useBias: false, name: Tv(p + ".conv1")).BatchNormalization(name: Tv(p + ".bn1")).ReLU()
                            .Conv2D(planes, 3, strides: stride, padding: 1, useBias: false, name: Tv(p + ".conv2")).BatchNormalization(name: Tv(p + ".bn2")).ReLU()
                            .Conv2D(planes * expansion, 1, useBias: false, name: Tv(p + ".conv3")).BatchNormalization(name: Tv(p + ".bn3")),
                        shortcut, Activation.ReLU, name: Tv(p));
                }
                else
                {
                    model.Residual(b => b
                            .Conv2D(planes, 3, strides: stride, padding: 1, useBias: false, name: Tv(p + ".conv1")).BatchNormalization(name: Tv(p + ".bn1")).ReLU()
                            .Conv2D(planes, 3, padding: 1, useBias: false, name: Tv(p + ".conv2")).BatchNormalization(name: Tv(p + ".bn2")),
                        shortcut, Activation.ReLU, name: Tv(p));
                }
                channels = planes * expansion;
            }
        }
        if (includeTop)
        {
            model.GlobalAveragePooling2D()
                .Dense(numClasses, name: "fc");
        }
        else
        {
            Pool(model, pooling);
        }
        return Checked(model, architecture, variant, inputSize);
    }
}
