namespace Kernelwise;

/// <summary>How a convolution or pooling layer pads its input.</summary>
public enum PaddingMode
{
    /// <summary>No padding: the kernel only visits positions that fit entirely (Keras "valid").</summary>
    Valid,

    /// <summary>
    /// Pad so that the output size is ⌈n / stride⌉ (Keras/TensorFlow "same"). When the total padding is odd the extra
    /// row/column goes at the end (bottom/right), as TensorFlow does; this also works for strides above 1, which
    /// libtorch's own <c>padding='same'</c> refuses.
    /// </summary>
    Same,

    /// <summary>Explicit, symmetric amounts per spatial dimension (PyTorch's integer <c>padding</c>).</summary>
    Explicit,
}

/// <summary>
/// The padding of a convolution or pooling layer: <see cref="Valid"/>, <see cref="Same"/>, or explicit amounts
/// (an <c>int</c> or a tuple converts implicitly: <c>padding: 2</c>, <c>padding: (1, 2)</c>).
/// </summary>
public readonly struct Padding : IEquatable<Padding>
{
    private Padding(PaddingMode mode, SpatialSize amounts)
    {
        Mode = mode;
        Amounts = amounts;
    }

    /// <summary>The padding mode.</summary>
    public PaddingMode Mode { get; }

    /// <summary>The amounts per spatial dimension when <see cref="Mode"/> is <see cref="PaddingMode.Explicit"/>.</summary>
    public SpatialSize Amounts { get; }

    /// <summary>No padding.</summary>
    public static Padding Valid => new(PaddingMode.Valid, default);

    /// <summary>Output size ⌈n / stride⌉; asymmetric when needed.</summary>
    public static Padding Same => new(PaddingMode.Same, default);

    /// <summary>Explicit symmetric padding per spatial dimension.</summary>
    public static Padding Explicit(SpatialSize amounts) => new(PaddingMode.Explicit, amounts);

    /// <summary>Explicit symmetric padding, the same in every spatial dimension.</summary>
    public static implicit operator Padding(int amount) => Explicit(amount);

    /// <summary>Explicit symmetric padding for (height, width).</summary>
    public static implicit operator Padding((int, int) amounts) => Explicit(amounts);

    /// <summary>Explicit symmetric padding for (depth, height, width).</summary>
    public static implicit operator Padding((int, int, int) amounts) => Explicit(amounts);

    /// <inheritdoc />
    public override string ToString() => Mode switch
    {
        PaddingMode.Valid => "valid",
        PaddingMode.Same => "same",
        _ => Amounts.ToString(),
    };

    /// <inheritdoc />
    public bool Equals(Padding other) => Mode == other.Mode && Amounts.Equals(other.Amounts);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Padding p && Equals(p);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Mode, Amounts);
}
