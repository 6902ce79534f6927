using static TorchSharp.torch;

namespace Kernelwise;

/// <summary>
/// Base of the metrics read off a confusion matrix accumulated over the epoch (precision, recall, F1): exact for the
/// epoch, whatever the batch sizes. The number of classes is taken from the first batch's predictions.
/// </summary>
public abstract class ClassificationMetric : Metric
{
    private ConfusionMatrix? _matrix;
    private readonly DeviceCounter _counts = new();
    private bool _stale;

    /// <summary>The counts so far (null before the first batch).</summary>
    public ConfusionMatrix? Matrix
    {
        get
        {
            Sync();
            return _matrix;
        }
    }

    /// <inheritdoc />
    public override void Reset()
    {
        _matrix?.Reset();
        _counts.Reset();
        _stale = false;
    }

    /// <inheritdoc />
    public override void Update(Tensor predictions, Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        if (_matrix is null)
        {
            IsBinary = predictions.dim() == 1 || (predictions.dim() == 2 && predictions.shape[1] == 1);
            _matrix = new ConfusionMatrix(IsBinary ? 2 : (int)predictions.shape[1]);
        }
        // Counted on the predictions' device: no wait for the GPU per batch (the engine checked the labels on the host).
        using var scope = NewDisposeScope();
        var predicted = ConfusionMatrix.PredictedClasses(predictions);
        var actual = targets.dim() == 2 && targets.shape[1] == 1 ? targets.squeeze(1) : targets;
        if (actual.dim() != 1 || actual.shape[0] != predicted.shape[0])
            throw new ArgumentException($"{GetType().Name} expects class-index targets [batch] matching predictions [{string.Join(", ", predictions.shape)}]; received [{string.Join(", ", targets.shape)}].", nameof(targets));
        int classes = _matrix.Classes;
        var pairs = actual.to_type(ScalarType.Int64) * classes + predicted;
        _counts.Add(pairs.bincount(null, classes * classes));
        _stale = true;
    }

    private void Sync()
    {
        if (!_stale || _matrix is null) return;
        _matrix.Reset();
        var counts = _counts.Read();
        for (int i = 0; i < counts.Length && i < _matrix.RawCounts.Length; i++) _matrix.RawCounts[i] = counts[i];
        _stale = false;
    }

    /// <inheritdoc />
    public override double Result()
    {
        Sync();
        return _matrix is null ? 0 : IsBinary ? Binary(_matrix) : Macro(_matrix);
    }

    /// <summary>True when the model has a single (binary) output: the metric is then that of the positive class (Keras).</summary>
    private bool IsBinary { get; set; }

    /// <summary>The value for a multi-class matrix (macro average).</summary>
    protected abstract double Macro(ConfusionMatrix m);

    /// <summary>The value for a binary model (positive class 1).</summary>
    protected abstract double Binary(ConfusionMatrix m);

    /// <inheritdoc />
    /// <remarks>
    /// The class count with its sign (negative for a binary model), then the matrix's counts row by row. States of
    /// several processes may be summed element-wise (data-parallel training): the class count is read back from the
    /// length, and the sign survives the sum.
    /// </remarks>
    public override double[]? GetState() => Matrix is not { } m ? Array.Empty<double>() : m.RawCounts.Select(c => (double)c).Prepend(IsBinary ? -m.Classes : m.Classes).ToArray();

    /// <inheritdoc />
    public override void SetState(double[] state)
    {
        ArgumentNullException.ThrowIfNull(state);
        _counts.Reset();
        _stale = false;
        if (state.Length == 0)
        {
            _matrix = null;
            return;
        }
        int classes = (int)Math.Round(Math.Sqrt(state.Length - 1));
        if (classes < 1 || classes * classes != state.Length - 1)
            throw new ArgumentException($"{GetType().Name} expects a state of 1 + classes² values; received {state.Length}.", nameof(state));
        IsBinary = state[0] < 0;
        _matrix = new ConfusionMatrix(classes);
        for (int i = 0; i < classes * classes; i++) _matrix.RawCounts[i] = (long)state[i + 1];
        _counts.Set(_matrix.RawCounts.ToArray(), new long[] { classes * classes });
    }
}
