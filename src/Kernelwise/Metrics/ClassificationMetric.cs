using static TorchSharp.torch;

namespace Kernelwise;

/// <summary>
/// Base of the metrics read off a confusion matrix accumulated over the epoch (precision, recall, F1): exact for the
/// epoch, whatever the batch sizes. The number of classes is taken from the first batch's predictions.
/// </summary>
public abstract class ClassificationMetric : Metric
{
    private ConfusionMatrix? _matrix;

    /// <summary>The counts so far (null before the first batch).</summary>
    public ConfusionMatrix? Matrix => _matrix;

    /// <inheritdoc />
    public override void Reset() => _matrix?.Reset();

    /// <inheritdoc />
    public override void Update(Tensor predictions, Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        if (_matrix is null)
        {
            IsBinary = predictions.dim() == 1 || (predictions.dim() == 2 && predictions.shape[1] == 1);
            _matrix = new ConfusionMatrix(IsBinary ? 2 : (int)predictions.shape[1]);
        }
        _matrix.Update(predictions, targets);
    }

    /// <inheritdoc />
    public override double Result() => _matrix is null ? 0 : IsBinary ? Binary(_matrix) : Macro(_matrix);

    /// <summary>True when the model has a single (binary) output: the metric is then that of the positive class (Keras).</summary>
    private bool IsBinary { get; set; }

    /// <summary>The value for a multi-class matrix (macro average).</summary>
    protected abstract double Macro(ConfusionMatrix m);

    /// <summary>The value for a binary model (positive class 1).</summary>
    protected abstract double Binary(ConfusionMatrix m);

    /// <inheritdoc />
    public override double[]? GetState() => _matrix is null ? Array.Empty<double>() : _matrix.RawCounts.Select(c => (double)c).Prepend(IsBinary ? -_matrix.Classes : _matrix.Classes).ToArray();

    /// <inheritdoc />
    public override void SetState(double[] state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Length == 0)
        {
            _matrix = null;
            return;
        }
        int classes = (int)Math.Abs(state[0]);
        IsBinary = state[0] < 0;
        _matrix = new ConfusionMatrix(classes);
        for (int i = 0; i < classes * classes; i++) _matrix.RawCounts[i] = (long)state[i + 1];
    }
}
