using TorchSharp;
using static TorchSharp.torch;

namespace Kernelwise;

/// <summary>
/// The numeric precision a model (or a layer) computes in — Keras's dtype policies. <see cref="Float32"/> is
/// everything in float32. The mixed policies keep float32 <b>master weights</b> (what the optimizer updates) but run
/// convolutions and dense layers in 16 bits, casting their inputs and weights on the fly; normalisation layers,
/// softmax and the losses stay in float32, and the model's outputs come back as float32.
/// </summary>
/// <remarks>
/// <para><see cref="MixedBFloat16"/> has float32's range, so it needs nothing more; it is fast where the hardware has
/// bfloat16 arithmetic (NVIDIA Ampere and newer, CPUs with AVX-512 BF16 or AMX). <see cref="MixedFloat16"/> has a narrow
/// range, so training also scales the loss (a dynamic loss scaler: a step whose gradients are not finite is skipped
/// and the scale halved; after a run of good steps it doubles) — NVIDIA GPUs' tensor cores are its home.</para>
/// <para>Set it on a model (<c>model.PrecisionPolicy = PrecisionPolicy.MixedBFloat16</c>) and, to keep a layer in float32 (the usual
/// choice for the last dense layer), on that layer (<c>new Dense(10) { PrecisionPolicy = PrecisionPolicy.Float32 }</c>). TorchSharp
/// has no autocast; Kernelwise's modules do the casting.</para>
/// </remarks>
public sealed class PrecisionPolicy : IEquatable<PrecisionPolicy>
{
    private PrecisionPolicy(string name, ScalarType? computeType, bool scalesLoss)
    {
        Name = name;
        ComputeType = computeType;
        ScalesLoss = scalesLoss;
    }

    /// <summary>Everything in float32 (the default).</summary>
    public static PrecisionPolicy Float32 { get; } = new("float32", null, false);

    /// <summary>Convolutions and dense layers in bfloat16 with float32 master weights.</summary>
    public static PrecisionPolicy MixedBFloat16 { get; } = new("mixed-bfloat16", ScalarType.BFloat16, false);

    /// <summary>Convolutions and dense layers in float16 with float32 master weights and a dynamic loss scaler.</summary>
    public static PrecisionPolicy MixedFloat16 { get; } = new("mixed-float16", ScalarType.Float16, true);

    /// <summary>The policy's name: <c>float32</c>, <c>mixed-bfloat16</c>, <c>mixed-float16</c>.</summary>
    public string Name { get; }

    /// <summary>The type convolutions and dense layers compute in; null for float32.</summary>
    public ScalarType? ComputeType { get; }

    /// <summary>Whether training scales the loss (float16's narrow range needs it).</summary>
    public bool ScalesLoss { get; }

    /// <summary>The policy named <paramref name="name"/> (<c>float32</c>, <c>mixed-bfloat16</c>, <c>mixed-float16</c>; Keras's <c>mixed_bfloat16</c> spellings too).</summary>
    public static PrecisionPolicy Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToLowerInvariant().Replace('_', '-') switch
        {
            "float32" or "fp32" or "32" => Float32,
            "mixed-bfloat16" or "bf16-mixed" or "mixed-bf16" => MixedBFloat16,
            "mixed-float16" or "16-mixed" or "mixed-fp16" => MixedFloat16,
            _ => throw new ArgumentException($"Unknown precision '{name}'. Expected float32, mixed-bfloat16 or mixed-float16.", nameof(name)),
        };
    }

    /// <inheritdoc />
    public bool Equals(PrecisionPolicy? other) => other is not null && other.Name == Name;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as PrecisionPolicy);

    /// <inheritdoc />
    public override int GetHashCode() => Name.GetHashCode(StringComparison.Ordinal);

    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>
/// The compute type in force for the current forward pass on this thread (TorchSharp has no autocast): set by the model
/// for its policy and by the graph executor per layer; read by the modules that compute in it.
/// </summary>
internal static class Autocast
{
    [ThreadStatic]
    private static ScalarType? s_current;

    /// <summary>The 16-bit type convolutions and dense layers should compute in now; null for float32.</summary>
    public static ScalarType? Current => s_current;

    /// <summary>Sets the compute type until the returned scope is disposed.</summary>
    public static Scope Enter(ScalarType? computeType)
    {
        var previous = s_current;
        s_current = computeType;
        return new Scope(previous);
    }

    /// <summary>Restores the previous compute type.</summary>
    public readonly struct Scope(ScalarType? previous) : IDisposable
    {
        public void Dispose() => s_current = previous;
    }

    /// <summary><paramref name="t"/> in <paramref name="type"/> (a new tensor owned by the current dispose scope), or <paramref name="t"/> itself when it already is, or is not floating point.</summary>
    public static Tensor To(Tensor t, ScalarType type) => t.dtype == type || !t.is_floating_point() ? t : t.to_type(type);
}
