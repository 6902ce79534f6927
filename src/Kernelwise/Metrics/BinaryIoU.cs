using static TorchSharp.torch;

namespace Kernelwise;

/// <summary>
/// Intersection over union of binary decisions — Keras's <c>BinaryIoU</c>, over logits: an element is predicted
/// positive when σ(prediction) ≥ <see cref="Threshold"/>. The score of segmentation masks: for logits [N, 1, H, W]
/// and masks [N, 1, H, W] or [N, H, W] (0 or 1; a float target counts as 1 from 0.5), the IoU of class 1 is
/// |predicted ∩ true| / |predicted ∪ true| over every pixel of the epoch. With <see cref="TargetClassIds"/> [0, 1]
/// (the default, as in Keras) the result is the mean of the foreground's and the background's IoU; with [1] it is
/// the foreground's alone. The 2×2 pixel counts are kept on the predictions' device and read only by
/// <see cref="Result"/>.
/// </summary>
public sealed class BinaryIoU : Metric
{
    private readonly DeviceCounter _counts = new();
    private readonly double _logit;
    private readonly int[] _ids;

    /// <summary>Creates the metric.</summary>
    /// <param name="targetClassIds">The classes whose IoU is averaged: [0], [1] or [0, 1] (default).</param>
    /// <param name="threshold">Probability from which an element counts as positive, in (0, 1).</param>
    public BinaryIoU(IReadOnlyList<int>? targetClassIds = null, double threshold = 0.5)
    {
        _ids = (targetClassIds ?? new[] { 0, 1 }).ToArray();
        if (_ids.Length == 0 || _ids.Any(c => c is not (0 or 1)) || _ids.Distinct().Count() != _ids.Length)
            throw new ArgumentException($"Invalid value for argument targetClassIds. Expected [0], [1] or [0, 1]. Received [{string.Join(", ", _ids)}].", nameof(targetClassIds));
        if (!(threshold > 0 && threshold < 1))
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, $"Invalid value for argument threshold. Expected a probability strictly between 0 and 1. Received threshold={threshold}.");
        Threshold = threshold;
        _logit = BinaryThreshold.Logit(threshold);
    }

    /// <summary>The classes whose IoU is averaged.</summary>
    public IReadOnlyList<int> TargetClassIds => _ids;

    /// <summary>The probability from which an element counts as positive.</summary>
    public double Threshold { get; }

    /// <summary><c>binary_iou</c> for the mean of both classes; <c>binary_iou_0</c> or <c>binary_iou_1</c> for one.</summary>
    public override string Name => _ids.Length == 2 ? "binary_iou" : $"binary_iou_{_ids[0]}";

    /// <inheritdoc />
    public override void Reset() => _counts.Reset();

    /// <inheritdoc />
    public override void Update(Tensor predictions, Tensor targets)
    {
        using var scope = NewDisposeScope();
        var (predicted, actual) = BinaryThreshold.Decide(predictions, targets, _logit, nameof(BinaryIoU));
        var pairs = actual.to_type(ScalarType.Int64) * 2 + predicted.to_type(ScalarType.Int64);
        _counts.Add(pairs.bincount(null, 4));
    }

    /// <summary>
    /// The element counts so far as [true negatives, false positives, false negatives, true positives]
    /// (row = target, column = prediction); empty before the first batch.
    /// </summary>
    public IReadOnlyList<long> Counts => _counts.Read();

    /// <summary>The IoU of one class (0 = background, 1 = foreground) so far; NaN when that class was never present nor predicted.</summary>
    public double ClassIoU(int c)
    {
        if (c is not (0 or 1)) throw new ArgumentOutOfRangeException(nameof(c), c, $"Invalid value for argument c. Expected 0 or 1. Received c={c}.");
        var counts = _counts.Read();
        return counts.Length == 0 ? double.NaN : IntersectionOverUnion.Of(counts, 2, c);
    }

    /// <inheritdoc />
    public override double Result() => IntersectionOverUnion.Mean(_counts.Read(), 2, _ids);

    /// <inheritdoc />
    public override Metric Clone() => new BinaryIoU(_ids, Threshold);

    /// <inheritdoc />
    public override double[]? GetState() => _counts.Read().Select(c => (double)c).ToArray();

    /// <inheritdoc />
    public override void SetState(double[] state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Length == 0) _counts.Reset();
        else _counts.Set(state.Select(v => (long)v).ToArray(), new long[] { 4 });
    }
}
