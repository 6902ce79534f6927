using static TorchSharp.torch;

namespace Kernelwise;

/// <summary>
/// Element-wise activation functions, used as an <c>activation:</c> argument of Conv and Dense layers and as the
/// <c>ActivationLayer</c>. A closed set, hence an enum (Keras passes strings).
/// </summary>
public enum Activation
{
    /// <summary>Identity (no activation); the default.</summary>
    Linear,

    /// <summary>max(0, x).</summary>
    ReLU,

    /// <summary>x for x ≥ 0, 0.01·x otherwise (use <c>ActivationLayer</c> for another slope).</summary>
    LeakyReLU,

    /// <summary>x for x ≥ 0, eˣ − 1 otherwise.</summary>
    ELU,

    /// <summary>x·Φ(x) (exact, erf form).</summary>
    GELU,

    /// <summary>x·σ(x), also called swish.</summary>
    SiLU,

    /// <summary>1 / (1 + e⁻ˣ).</summary>
    Sigmoid,

    /// <summary>Hyperbolic tangent.</summary>
    Tanh,

    /// <summary>Softmax over the channel/feature dimension (dimension 1).</summary>
    Softmax,
}

/// <summary>Applies an <see cref="Activation"/> to a tensor.</summary>
public static class ActivationFunctions
{
    /// <summary>
    /// Returns a new tensor with the activation applied (the input is never modified or disposed).
    /// <paramref name="alpha"/> is the negative slope of LeakyReLU and the α of ELU.
    /// </summary>
    public static Tensor Apply(Activation activation, Tensor x, double? alpha = null) => activation switch
    {
        Activation.Linear => x.alias(),
        Activation.ReLU => nn.functional.relu(x),
        Activation.LeakyReLU => nn.functional.leaky_relu(x, alpha ?? 0.01),
        Activation.ELU => nn.functional.elu(x, alpha ?? 1.0),
        Activation.GELU => nn.functional.gelu(x),
        Activation.SiLU => nn.functional.silu(x),
        Activation.Sigmoid => nn.functional.sigmoid(x),
        Activation.Tanh => nn.functional.tanh(x),
        // Softmax stays in float32 under mixed precision (its sums lose too much in 16 bits).
        Activation.Softmax => x.dtype is ScalarType.BFloat16 or ScalarType.Float16 ? nn.functional.softmax(x, 1, ScalarType.Float32) : nn.functional.softmax(x, 1),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, $"Unknown activation {activation}."),
    };
}
