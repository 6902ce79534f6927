using Kernelwise.Modules;
using Kernelwise.Shapes;
using TorchSharp;
using static TorchSharp.torch;

namespace Kernelwise.Layers;

/// <summary>The reduction a pooling window applies.</summary>
public enum PoolingKind
{
    /// <summary>The largest value in the window.</summary>
    Max,

    /// <summary>The mean of the window (padding excluded from the count, as Keras does).</summary>
    Average,
}

/// <summary>
/// Shared configuration and shape rule of max and average pooling in 1, 2 or 3 spatial dimensions. Output channels
/// equal input channels; each spatial size is ⌊(n + p_before + p_after − k)/s⌋ + 1. Strides default to the pool size.
/// </summary>
public abstract class BasePooling : Layer
{
    /// <summary>Validates and stores the configuration.</summary>
    protected BasePooling(int rank, PoolingKind kind, SpatialSize poolSize, SpatialSize strides, Padding padding, string? name) : base(name)
    {
        Rank = rank;
        Kind = kind;
        string type = GetType().Name;
        PoolSize = poolSize.Expand(rank, "poolSize", type);
        Strides = strides.IsEmpty ? (int[])PoolSize.Clone() : strides.Expand(rank, "strides", type);
        Padding = padding;
        var explicitPadding = ConvolutionArithmetic.ExplicitPadding(padding, rank, type);
        for (int i = 0; i < rank; i++)
        {
            if (2 * explicitPadding[i] > PoolSize[i])
            {
                throw new ArgumentException(
                    $"Invalid value for argument padding of {type}. Padding must be at most half the pool size. Received padding={padding}, poolSize={poolSize}.", nameof(padding));
            }
        }
    }

    /// <summary>Number of spatial dimensions.</summary>
    public int Rank { get; }

    /// <summary>Max or average.</summary>
    public PoolingKind Kind { get; }

    /// <summary>Window size per spatial dimension.</summary>
    public int[] PoolSize { get; }

    /// <summary>Step per spatial dimension (defaults to the pool size).</summary>
    public int[] Strides { get; }

    /// <summary>The padding as given.</summary>
    public Padding Padding { get; }

    private string[] SpatialNames => Rank switch
    {
        1 => new[] { "length" },
        2 => new[] { "height", "width" },
        _ => new[] { "depth", "height", "width" },
    };

    /// <summary>(before, after) padding per spatial dimension for this input.</summary>
    public (int[] Before, int[] After) ResolvePadding(Shape input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return ConvolutionArithmetic.ResolvePadding(Padding, input.Spatial, PoolSize, Strides);
    }

    /// <inheritdoc />
    public override Shape ComputeOutputShape(Shape input)
    {
        RequireRank(input, Rank + 1, "channels, " + string.Join(", ", SpatialNames));
        var (before, after) = ResolvePadding(input);
        var dims = new int[Rank + 1];
        dims[0] = input.Channels;
        for (int i = 0; i < Rank; i++)
        {
            int n = input[i + 1];
            int padded = n + before[i] + after[i];
            if (PoolSize[i] > padded)
                throw BuildError(input, $"pool size {PoolSize[i]} is larger than the padded input {padded} ({n} + {before[i]} + {after[i]}) in dimension {SpatialNames[i]}.");
            dims[i + 1] = ConvolutionArithmetic.OutputSize(n, PoolSize[i], Strides[i], before[i], after[i]);
        }
        return new Shape(dims);
    }

    /// <inheritdoc />
    public override SpatialWindow? GetSpatialWindow(Shape input)
        => new(PoolSize, Strides, Enumerable.Repeat(1, Rank).ToArray(), ResolvePadding(input).Before);

    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> CreateModule(Shape input)
    {
        var (before, after) = ResolvePadding(input);
        long[] k = PoolSize.Select(v => (long)v).ToArray();
        long[] s = Strides.Select(v => (long)v).ToArray();
        // libtorch's avg_pool3d refuses an input smaller than the window even when the padding covers it: pad
        // explicitly then, as for asymmetric "same" padding.
        bool symmetric = before.SequenceEqual(after) && !input.Spatial.Zip(PoolSize).Any(p => p.First < p.Second);
        long[] sym = symmetric ? before.Select(v => (long)v).ToArray() : new long[Rank];
        long[]? pairs = null;
        if (!symmetric)
        {
            pairs = new long[2 * Rank];
            for (int i = 0; i < Rank; i++)
            {
                int d = Rank - 1 - i;
                pairs[2 * i] = before[d];
                pairs[2 * i + 1] = after[d];
            }
        }
        int rank = Rank;
        if (Kind == PoolingKind.Max)
        {
            return new FunctionModule(Name, x =>
            {
                if (pairs is null) return MaxPool(rank, x, k, s, sym);
                using var padded = nn.functional.pad(x, pairs, PaddingModes.Constant, double.NegativeInfinity);
                return MaxPool(rank, padded, k, s, sym);
            });
        }
        return new FunctionModule(Name, x =>
        {
            if (pairs is null) return AvgPool(rank, x, k, s, sym);
            // Asymmetric "same": average over the real elements only, as Keras does — the sum over the window divided
            // by the count of real elements in it.
            using var scope = NewDisposeScope();
            var padded = nn.functional.pad(x, pairs);
            var ones = ones_like(x.select(1, 0).unsqueeze(1));
            var mask = nn.functional.pad(ones, pairs);
            var sum = AvgPool(rank, padded, k, s, sym);
            var count = AvgPool(rank, mask, k, s, sym);
            return sum.div(count).MoveToOuterDisposeScope();
        });
    }

    private static Tensor MaxPool(int rank, Tensor x, long[] k, long[] s, long[] p) => rank switch
    {
        1 => nn.functional.max_pool1d(x, k[0], s[0], p[0]),
        2 => nn.functional.max_pool2d(x, k, s, p),
        _ => nn.functional.max_pool3d(x, k, s, p),
    };

    private static Tensor AvgPool(int rank, Tensor x, long[] k, long[] s, long[] p) => rank switch
    {
        1 => nn.functional.avg_pool1d(x, k[0], s[0], p[0], count_include_pad: false),
        2 => nn.functional.avg_pool2d(x, k, s, p, count_include_pad: false),
        _ => nn.functional.avg_pool3d(x, k, s, p, count_include_pad: false),
    };
}
