using static TorchSharp.torch;

namespace Kernelwise;

/// <summary>
/// Binary cross-entropy on logits: <c>−[y·log σ(x) + (1 − y)·log(1 − σ(x))]</c>, computed in the numerically stable
/// form — PyTorch's <c>BCEWithLogitsLoss</c>, Keras's <c>BinaryCrossentropy(from_logits=True)</c>. Predictions and
/// targets have the same shape, e.g. [N] or [N, 1] for one binary label, [N, labels] for multi-label; targets are 0
/// or 1 (or probabilities). The model's last layer should have no sigmoid.
/// </summary>
public sealed class BinaryCrossEntropy : Loss
{
    private readonly float? _positiveWeight;

    /// <summary>Creates the loss.</summary>
    /// <param name="positiveWeight">Multiplies the positive term (PyTorch's <c>pos_weight</c>), e.g. negatives/positives for imbalanced data.</param>
    /// <param name="labelSmoothing">Targets become <c>y·(1 − s) + s/2</c>, in [0, 1).</param>
    public BinaryCrossEntropy(double? positiveWeight = null, double labelSmoothing = 0)
    {
        if (positiveWeight is double w) Guard.Positive(w, nameof(positiveWeight));
        _positiveWeight = positiveWeight is double p ? (float)p : null;
        LabelSmoothing = Guard.InRange(labelSmoothing, 0, 1, maxInclusive: false);
    }

    /// <summary>Weight of the positive term, when given.</summary>
    public double? PositiveWeight => _positiveWeight;

    /// <summary>Label smoothing factor.</summary>
    public double LabelSmoothing { get; }

    /// <inheritdoc />
    public override string Name => "binary_cross_entropy";

    /// <inheritdoc />
    public override Tensor Compute(Tensor predictions, Tensor targets)
    {
        using var elementwise = Elementwise(predictions, targets);
        return elementwise.mean();
    }

    /// <inheritdoc />
    public override Tensor ComputePerSample(Tensor predictions, Tensor targets)
    {
        using var elementwise = Elementwise(predictions, targets);
        return PerSampleMean(elementwise);
    }

    private Tensor Elementwise(Tensor predictions, Tensor targets)
    {
        RequireSameShape(predictions, targets);
        using var t = targets.dtype == predictions.dtype ? targets.alias() : targets.to_type(predictions.dtype);
        using var smoothed = LabelSmoothing == 0 ? t.alias() : t * (1 - LabelSmoothing) + LabelSmoothing / 2;
        using var pw = _positiveWeight is float w ? tensor(w, dtype: predictions.dtype, device: predictions.device) : null;
        return nn.functional.binary_cross_entropy_with_logits(predictions, smoothed, reduction: nn.Reduction.None, pos_weights: pw);
    }
}
