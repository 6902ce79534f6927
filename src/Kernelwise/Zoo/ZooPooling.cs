namespace Kernelwise.Zoo;

/// <summary>
/// What a zoo model built without its classifier (<c>includeTop: false</c>) ends with — Keras's <c>pooling</c> argument of
/// <c>keras.applications</c>.
/// </summary>
public enum ZooPooling
{
    /// <summary>No pooling: the model outputs the last feature maps (C, H, W), e.g. (512, 7, 7) for ResNet-18 at 224×224.</summary>
    None,

    /// <summary>Global average pooling: one value per channel, (C), e.g. (512) for ResNet-18.</summary>
    Average,

    /// <summary>Global max pooling: one value per channel, (C).</summary>
    Max,
}
