namespace Kernelwise.Layers;

/// <summary>Which values of one sample <see cref="LayerNormalization"/> computes its mean and variance over.</summary>
public enum NormalizationAxes
{
    /// <summary>
    /// Over the channels at each spatial position (Keras's default <c>axis=-1</c> on channels-last data; ConvNeXt's
    /// "channels first" LayerNorm). For (features) inputs: over the features, as PyTorch's <c>nn.LayerNorm(F)</c>.
    /// </summary>
    Channels,

    /// <summary>
    /// Over all values of the sample, channels and positions together (Ba et al.'s layer normalization; PyTorch's
    /// <c>nn.GroupNorm(1, C)</c>).
    /// </summary>
    AllFeatures,
}
