namespace Kernelwise.Zoo;

/// <summary>Which configuration of a zoo architecture to build.</summary>
public enum ZooVariant
{
    /// <summary><see cref="SmallImages"/> for inputs below 64 pixels, otherwise <see cref="ImageNet"/>.</summary>
    Auto,

    /// <summary>
    /// The published (torchvision) configuration for 224×224 ImageNet images: same layers, names and parameter counts
    /// as torchvision, so torchvision weights load into it (see <see cref="Torchvision"/>).
    /// </summary>
    ImageNet,

    /// <summary>
    /// The common adaptation for 28×28 / 32×32 data (MNIST, Fashion-MNIST, CIFAR-10): a stem without the early
    /// down-sampling, so small images are not reduced to a few pixels before the interesting layers.
    /// </summary>
    SmallImages,
}
