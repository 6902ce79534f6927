namespace Kernelwise;

/// <summary>
/// The shape of one sample, without the batch dimension, in NCHW order: (channels, height, width) for images,
/// (channels, length) for sequences, (channels, depth, height, width) for volumes, (features) after Flatten.
/// </summary>
/// <remarks>
/// Kernelwise declares the input shape first, so every layer's output shape and parameter count follow from
/// arithmetic on <see cref="Shape"/> alone: a summary or a shape error needs no tensors and no libtorch call.
/// Printed Keras-style with <c>None</c> for the batch: <c>(None, 32, 28, 28)</c>.
/// </remarks>
public sealed class Shape : IEquatable<Shape>
{
    private readonly int[] _dims;

    /// <summary>Creates a shape from its dimensions (batch excluded). Every dimension must be at least 1.</summary>
    public Shape(params int[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        for (int i = 0; i < dims.Length; i++)
        {
            if (dims[i] < 1)
            {
                throw new ArgumentException(
                    $"Invalid shape {Format(dims)}: dimension {i} is {dims[i]}; every dimension must be at least 1.", nameof(dims));
            }
        }
        _dims = (int[])dims.Clone();
    }

    /// <summary>Number of dimensions, batch excluded (3 for an image: channels, height, width).</summary>
    public int Rank => _dims.Length;

    /// <summary>The size of dimension <paramref name="index"/> (0 = channels for image data).</summary>
    public int this[int index] => _dims[index];

    /// <summary>The dimensions as a fresh array.</summary>
    public int[] ToArray() => (int[])_dims.Clone();

    /// <summary>The number of channels: the first dimension.</summary>
    public int Channels => _dims[0];

    /// <summary>The spatial dimensions: all but the first (channel) dimension.</summary>
    public int[] Spatial => _dims[1..];

    /// <summary>The number of values in one sample (product of all dimensions).</summary>
    public long Elements
    {
        get
        {
            long n = 1;
            foreach (var d in _dims) n *= d;
            return n;
        }
    }

    /// <summary>The shape with a batch dimension prepended, as libtorch expects.</summary>
    public long[] WithBatch(long batch)
    {
        var r = new long[_dims.Length + 1];
        r[0] = batch;
        for (int i = 0; i < _dims.Length; i++) r[i + 1] = _dims[i];
        return r;
    }

    /// <inheritdoc />
    public bool Equals(Shape? other) => other is not null && _dims.AsSpan().SequenceEqual(other._dims);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as Shape);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var d in _dims) h.Add(d);
        return h.ToHashCode();
    }

    /// <summary>Keras-style text with <c>None</c> for the batch: <c>(None, 32, 28, 28)</c>.</summary>
    public override string ToString() => "(None, " + string.Join(", ", _dims) + ")";

    /// <summary>The dimensions in brackets, as in error messages: <c>[32, 28, 28]</c>.</summary>
    public string ToDimsString() => Format(_dims);

    internal static string Format(IEnumerable<int> dims) => "[" + string.Join(", ", dims) + "]";

    /// <summary>Shape equality.</summary>
    public static bool operator ==(Shape? a, Shape? b) => a is null ? b is null : a.Equals(b);

    /// <summary>Shape inequality.</summary>
    public static bool operator !=(Shape? a, Shape? b) => !(a == b);
}
