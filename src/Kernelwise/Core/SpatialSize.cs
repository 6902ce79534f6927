namespace Kernelwise;

/// <summary>
/// A per-spatial-dimension integer argument (kernel size, strides, dilation, pool size), given as one int for every
/// dimension or as a tuple: <c>kernelSize: 3</c>, <c>kernelSize: (3, 5)</c>, <c>kernelSize: (3, 3, 3)</c>.
/// Keras accepts "an integer or tuple"; this is that, typed.
/// </summary>
public readonly struct SpatialSize : IEquatable<SpatialSize>
{
    private readonly int[]? _values;

    /// <summary>Creates a size from explicit values.</summary>
    public SpatialSize(params int[] values) => _values = (int[])values.Clone();

    /// <summary>The values as given (one value means "the same in every dimension").</summary>
    public IReadOnlyList<int> Values => _values ?? Array.Empty<int>();

    /// <summary>True when nothing was given.</summary>
    public bool IsEmpty => _values is null || _values.Length == 0;

    /// <summary>One value for every dimension.</summary>
    public static implicit operator SpatialSize(int value) => new(value);

    /// <summary>Height and width.</summary>
    public static implicit operator SpatialSize((int, int) v) => new(v.Item1, v.Item2);

    /// <summary>Depth, height and width.</summary>
    public static implicit operator SpatialSize((int, int, int) v) => new(v.Item1, v.Item2, v.Item3);

    /// <summary>
    /// Expands to exactly <paramref name="rank"/> values, checking each against <paramref name="minimum"/>.
    /// The message names the layer type and the argument.
    /// </summary>
    internal int[] Expand(int rank, string argument, string layerType, int minimum = 1)
    {
        if (IsEmpty)
            throw new ArgumentException($"Invalid value for argument {argument} of {layerType}. Expected {rank} value(s). Received none.", argument);
        int[] r;
        if (_values!.Length == 1) r = Enumerable.Repeat(_values[0], rank).ToArray();
        else if (_values.Length == rank) r = (int[])_values.Clone();
        else
            throw new ArgumentException($"Invalid value for argument {argument} of {layerType}. Expected {(rank == 1 ? "1 value" : $"1 or {rank} values")}. Received {argument}={this}.", argument);
        foreach (var v in r)
        {
            if (v < minimum)
            {
                string expected = minimum == 1 ? "strictly positive values" : $"values of {minimum} or more";
                throw new ArgumentOutOfRangeException(argument, $"Invalid value for argument {argument} of {layerType}. Expected {expected}. Received {argument}={this}.");
            }
        }
        return r;
    }

    /// <inheritdoc />
    public override string ToString() => _values is null ? "()" : _values.Length == 1 ? _values[0].ToString() : "(" + string.Join(", ", _values) + ")";

    /// <inheritdoc />
    public bool Equals(SpatialSize other) => Values.SequenceEqual(other.Values);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is SpatialSize s && Equals(s);

    /// <inheritdoc />
    public override int GetHashCode() => Values.Aggregate(17, (h, v) => h * 31 + v);
}
