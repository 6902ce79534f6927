using static TorchSharp.torch;

namespace Kernelwise;

/// <summary>
/// Fraction of elements whose 0/1 decision matches the target — Keras's <c>BinaryAccuracy</c>, over logits: an element
/// counts as positive when σ(prediction) ≥ <see cref="Threshold"/>. For one binary label per sample ([N] or [N, 1])
/// it is the usual accuracy; for a segmentation mask ([N, 1, H, W]) it is pixel accuracy. Targets are 0 or 1 (a float
/// target counts as 1 from 0.5), of the predictions' shape or without their channel dimension of size 1. Counts are
/// kept on the predictions' device and exact over the epoch.
/// </summary>
public sealed class BinaryAccuracy : Metric
{
    private readonly DeviceCounter _correct = new();
    private readonly double _logit;
    private long _total;

    /// <summary>Creates the metric.</summary>
    /// <param name="threshold">Probability from which an element counts as positive, in (0, 1).</param>
    public BinaryAccuracy(double threshold = 0.5)
    {
        if (!(threshold > 0 && threshold < 1))
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, $"Invalid value for argument threshold. Expected a probability strictly between 0 and 1. Received threshold={threshold}.");
        Threshold = threshold;
        _logit = BinaryThreshold.Logit(threshold);
    }

    /// <summary>The probability from which an element counts as positive.</summary>
    public double Threshold { get; }

    /// <inheritdoc />
    public override string Name => "binary_accuracy";

    /// <inheritdoc />
    public override void Reset()
    {
        _correct.Reset();
        _total = 0;
    }

    /// <inheritdoc />
    public override void Update(Tensor predictions, Tensor targets)
    {
        using var scope = NewDisposeScope();
        var (predicted, actual) = BinaryThreshold.Decide(predictions, targets, _logit, nameof(BinaryAccuracy));
        _correct.Add(predicted.eq(actual).sum());
        _total += predicted.numel();
    }

    /// <summary>Elements decided correctly so far.</summary>
    public long Correct => _correct.Value;

    /// <summary>Elements so far.</summary>
    public long Total => _total;

    /// <inheritdoc />
    public override double Result() => _total == 0 ? 0 : (double)_correct.Value / _total;

    /// <inheritdoc />
    public override Metric Clone() => new BinaryAccuracy(Threshold);

    /// <inheritdoc />
    public override double[]? GetState() => new double[] { _correct.Value, _total };

    /// <inheritdoc />
    public override void SetState(double[] state)
    {
        ArgumentNullException.ThrowIfNull(state);
        _correct.Set((long)state[0]);
        _total = (long)state[1];
    }
}
