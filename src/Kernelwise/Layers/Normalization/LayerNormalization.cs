using Kernelwise.Modules;
using static TorchSharp.torch;

namespace Kernelwise.Layers;

/// <summary>
/// Layer normalization: each sample is normalized by its own mean and variance — no batch statistics, so it behaves
/// the same in training and evaluation and with a batch of one. Then a learned scale γ and shift β per channel.
/// Any input (features), (C, L), (C, H, W), (C, D, H, W); same shape out. Keras's <c>LayerNormalization</c>,
/// PyTorch's <c>nn.LayerNorm</c> (over channels) or <c>nn.GroupNorm(1, C)</c> (over all features).
/// Parameters 2C trainable (<c>weight</c> γ, <c>bias</c> β), none non-trainable.
/// </summary>
public sealed class LayerNormalization : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="axes">Where the statistics come from: the channels at each position (default) or the whole sample.</param>
    /// <param name="epsilon">Added to the variance for numerical stability (PyTorch's 1e-5 by default).</param>
    /// <param name="name">Layer name; generated when null.</param>
    public LayerNormalization(NormalizationAxes axes = NormalizationAxes.Channels, double epsilon = 1e-5, string? name = null) : base(name)
    {
        if (!Enum.IsDefined(axes))
            throw new ArgumentOutOfRangeException(nameof(axes), $"Invalid value for argument axes of LayerNormalization. Expected Channels or AllFeatures. Received axes={axes}.");
        Axes = axes;
        if (!(epsilon > 0) || double.IsInfinity(epsilon))
            throw new ArgumentOutOfRangeException(nameof(epsilon), $"Invalid value for argument epsilon of LayerNormalization. Expected a strictly positive, finite value. Received epsilon={epsilon}.");
        Epsilon = epsilon;
    }

    /// <summary>Where the mean and variance are computed.</summary>
    public NormalizationAxes Axes { get; }

    /// <summary>Added to the variance.</summary>
    public double Epsilon { get; }

    /// <summary>Normalisation statistics stay in float32 under mixed precision.</summary>
    internal override bool KeepsFloat32 => true;

    /// <inheritdoc />
    public override Shape ComputeOutputShape(Shape input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input;
    }

    /// <inheritdoc />
    public override ParameterCount CountParameters(Shape input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new(2L * input.Channels, 0);
    }

    /// <inheritdoc />
    public override long CountMultiplyAccumulates(Shape input, Shape output)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Elements;
    }

    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> CreateModule(Shape input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new LayerNormalizationModule(Name, input.Channels, Axes == NormalizationAxes.AllFeatures, Epsilon);
    }
}
