using System.Globalization;
using Kernelwise.Data;
using Kernelwise.Modules;
using static TorchSharp.torch;

namespace Kernelwise.Layers;

/// <summary>
/// Standardises the input with a mean and variance per position of one axis — Keras's <c>Normalization</c>:
/// <c>(x − mean) / max(√variance, 1e-7)</c>, per channel by default (axis 0 of a (C, H, W) sample). The statistics are
/// given (<c>mean</c>, <c>variance</c>) or learned from data with <see cref="Adapt(Dataset, int)"/>; with
/// <see cref="Invert"/> the layer undoes the standardisation. Same shape out; no trainable parameters.
/// </summary>
/// <remarks>
/// <para>The statistics in use are the module's buffers <c>mean</c> and <c>variance</c>, so they save and load with the
/// weights (and an archive rebuilt from the layer's configuration gets them back from the weights). Before it is adapted
/// or given statistics, the layer is the identity (mean 0, variance 1).</para>
/// <para><see cref="Mean"/> and <see cref="Variance"/> are the values passed to the constructor (null when adapted
/// instead); call <see cref="Adapt(Dataset, int)"/> before or after building the model — models already built from the
/// layer receive the new statistics.</para>
/// </remarks>
public sealed class Normalization : Layer
{
    private readonly List<WeakReference<NormalizationModule>> _modules = new();
    private readonly object _gate = new();
    private double[]? _adaptedMean, _adaptedVariance;

    /// <summary>Creates the layer.</summary>
    /// <param name="mean">Means, one per position of <paramref name="axis"/> (or a single value for all); adapt instead when null.</param>
    /// <param name="variance">Variances, as many as <paramref name="mean"/>; given with it or not at all.</param>
    /// <param name="axis">The sample dimension (batch excluded) that keeps separate statistics: 0 = channels.</param>
    /// <param name="invert">Undo the standardisation: <c>x · √variance + mean</c>.</param>
    /// <param name="name">Layer name; generated when null.</param>
    public Normalization(double[]? mean = null, double[]? variance = null, int axis = 0, bool invert = false, string? name = null) : base(name)
    {
        if ((mean is null) != (variance is null))
            throw new ArgumentException("Invalid arguments mean and variance of Normalization. Expected both or neither. Received " + (mean is null ? "variance only." : "mean only."), mean is null ? nameof(mean) : nameof(variance));
        if (mean is not null)
        {
            if (mean.Length == 0 || mean.Length != variance!.Length)
                throw new ArgumentException($"Invalid arguments mean and variance of Normalization. Expected the same, non-zero number of values. Received {mean.Length} and {variance!.Length}.", nameof(mean));
            if (mean.Any(v => !double.IsFinite(v)))
                throw new ArgumentException($"Invalid value for argument mean of Normalization. Expected finite values. Received mean=[{Format(mean)}].", nameof(mean));
            if (variance.Any(v => !(v >= 0) || double.IsInfinity(v)))
                throw new ArgumentException($"Invalid value for argument variance of Normalization. Expected finite values of 0 or more. Received variance=[{Format(variance)}].", nameof(variance));
        }
        Mean = (double[]?)mean?.Clone();
        Variance = (double[]?)variance?.Clone();
        Axis = Guard.NonNegative(axis);
        Invert = invert;
    }

    /// <summary>The means given to the constructor (null when the layer is adapted instead).</summary>
    public double[]? Mean { get; }

    /// <summary>The variances given to the constructor.</summary>
    public double[]? Variance { get; }

    /// <summary>The sample dimension with separate statistics (0 = channels).</summary>
    public int Axis { get; }

    /// <summary>Whether the layer undoes the standardisation.</summary>
    public bool Invert { get; }

    /// <summary>Whether <see cref="Adapt(Dataset, int)"/> has set the statistics.</summary>
    public bool IsAdapted
    {
        get
        {
            lock (_gate) return _adaptedMean is not null;
        }
    }

    /// <inheritdoc />
    public override Shape ComputeOutputShape(Shape input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (Axis >= input.Rank)
            throw BuildError(input, $"axis {Axis} is not a dimension of the sample (it has {input.Rank}, batch excluded).");
        if (Mean is not null && Mean.Length != 1 && Mean.Length != input[Axis])
            throw BuildError(input, $"{Mean.Length} means were given but axis {Axis} has {input[Axis]} positions.");
        lock (_gate)
        {
            if (_adaptedMean is not null && _adaptedMean.Length != input[Axis])
                throw BuildError(input, $"the layer was adapted to {_adaptedMean.Length} positions on axis {Axis}, but the input has {input[Axis]}.");
        }
        return input;
    }

    /// <inheritdoc />
    public override ParameterCount CountParameters(Shape input) => new(0, 2L * input[Axis]);

    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> CreateModule(Shape input)
    {
        int n = input[Axis];
        double[] mean, variance;
        lock (_gate)
        {
            mean = _adaptedMean ?? Expand(Mean, n, 0);
            variance = _adaptedVariance ?? Expand(Variance, n, 1);
        }
        var module = new NormalizationModule(Name, input, Axis, mean, variance, Invert);
        lock (_gate)
        {
            _modules.RemoveAll(r => !r.TryGetTarget(out _));
            _modules.Add(new WeakReference<NormalizationModule>(module));
        }
        return module;
    }

    /// <summary>
    /// Computes the mean and (population) variance of every position of <see cref="Axis"/> over all samples of
    /// <paramref name="data"/> (and all other sample dimensions) — Keras's <c>adapt</c> — and uses them from now on,
    /// also in models already built from this layer. The data must be what this layer will see (for a layer after
    /// <see cref="Rescaling"/>, rescaled data). Accumulated in double precision, a batch at a time.
    /// </summary>
    /// <param name="data">Samples; their inputs are read in order, targets ignored.</param>
    /// <param name="batchSize">Samples read at a time.</param>
    /// <returns>This layer.</returns>
    public Normalization Adapt(Dataset data, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(data);
        Guard.Positive(batchSize);
        if (data.Count == 0) throw new ArgumentException("Invalid value for argument data of Normalization.Adapt. Expected at least one sample. Received an empty dataset.", nameof(data));
        var stats = new Accumulator(Axis);
        for (long start = 0; start < data.Count; start += batchSize)
        {
            long[] indices = Enumerable.Range(0, (int)Math.Min(batchSize, data.Count - start)).Select(i => start + i).ToArray();
            using var batch = data.GetBatch(indices);
            stats.Add(batch.InputTensors[0], Name);
        }
        return SetAdapted(stats);
    }

    /// <summary>As <see cref="Adapt(Dataset, int)"/>, over the samples of a tensor [N, ...] (one sample per row).</summary>
    public Normalization Adapt(Tensor samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var stats = new Accumulator(Axis);
        stats.Add(samples, Name);
        return SetAdapted(stats);
    }

    private Normalization SetAdapted(Accumulator stats)
    {
        var (mean, variance) = stats.Result();
        List<NormalizationModule> live = new();
        lock (_gate)
        {
            _adaptedMean = mean;
            _adaptedVariance = variance;
            foreach (var r in _modules)
            {
                if (r.TryGetTarget(out var m)) live.Add(m);
            }
        }
        foreach (var module in live)
        {
            if (module.Mean.shape[0] != mean.Length)
                throw new InvalidOperationException($"Layer '{Name}' (Normalization) was built for {module.Mean.shape[0]} positions on axis {Axis} but adapted to data with {mean.Length}.");
            module.SetStatistics(mean, variance);
        }
        return this;
    }

    private static double[] Expand(double[]? values, int n, double fallback)
        => values is null ? Enumerable.Repeat(fallback, n).ToArray() : values.Length == 1 ? Enumerable.Repeat(values[0], n).ToArray() : values;

    private static string Format(double[] values) => string.Join(", ", values.Select(v => v.ToString(CultureInfo.InvariantCulture)));

    /// <summary>Per-position counts, sums and sums of squares in double precision.</summary>
    private sealed class Accumulator(int axis)
    {
        private double[]? _sum, _squares;
        private long _count;

        public void Add(Tensor batch, string layer)
        {
            if (batch.dim() < axis + 2)
                throw new ArgumentException($"Layer '{layer}' (Normalization) adapts over axis {axis} of each sample, but the data has samples of shape [{string.Join(", ", batch.shape.Skip(1))}].");
            using var scope = NewDisposeScope();
            var x = batch.to_type(ScalarType.Float64).movedim(new long[] { axis + 1 }, new long[] { 0 }).reshape(batch.shape[axis + 1], -1);
            var sum = x.sum(1).cpu().data<double>().ToArray();
            var squares = x.square().sum(1).cpu().data<double>().ToArray();
            if (_sum is null)
            {
                _sum = sum;
                _squares = squares;
            }
            else if (_sum.Length != sum.Length)
            {
                throw new ArgumentException($"Layer '{layer}' (Normalization): samples have {sum.Length} positions on axis {axis} after {_sum.Length} in earlier batches.");
            }
            else
            {
                for (int i = 0; i < sum.Length; i++)
                {
                    _sum[i] += sum[i];
                    _squares![i] += squares[i];
                }
            }
            _count += x.shape[1];
        }

        public (double[] Mean, double[] Variance) Result()
        {
            var mean = _sum!.Select(s => s / _count).ToArray();
            var variance = _squares!.Select((q, i) => Math.Max(0, q / _count - mean[i] * mean[i])).ToArray();
            return (mean, variance);
        }
    }
}
