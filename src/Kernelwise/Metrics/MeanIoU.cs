using static TorchSharp.torch;

namespace Kernelwise;

/// <summary>
/// Mean intersection over union across classes — Keras's <c>MeanIoU</c>, for per-element class scores: predictions
/// [N, C, ...] (logits or probabilities; the class is the highest score along dimension 1) and class-index targets
/// [N, ...] in [0, C). For semantic segmentation ([N, C, H, W] against [N, H, W]) it is the mean over classes of
/// |predicted as c ∩ labelled c| / |predicted as c ∪ labelled c|, over every pixel of the epoch; classes absent from
/// both are left out of the mean. The C×C pixel counts are kept on the predictions' device.
/// </summary>
public sealed class MeanIoU : Metric
{
    private readonly DeviceCounter _counts = new();

    /// <summary>Creates the metric.</summary>
    /// <param name="numClasses">The number of classes C (the predictions' dimension 1), at least 2.</param>
    public MeanIoU(int numClasses)
    {
        if (numClasses < 2)
            throw new ArgumentOutOfRangeException(nameof(numClasses), numClasses, $"Invalid value for argument numClasses. Expected 2 or more classes. Received numClasses={numClasses}.");
        NumClasses = numClasses;
    }

    /// <summary>The number of classes.</summary>
    public int NumClasses { get; }

    /// <inheritdoc />
    public override string Name => "mean_iou";

    /// <inheritdoc />
    public override void Reset() => _counts.Reset();

    /// <inheritdoc />
    public override void Update(Tensor predictions, Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(targets);
        if (predictions.dim() < 2 || predictions.shape[1] != NumClasses
            || !predictions.shape.Take(1).Concat(predictions.shape.Skip(2)).SequenceEqual(targets.shape))
            throw new ArgumentException($"MeanIoU with {NumClasses} classes expects predictions [batch, {NumClasses}, ...] and class-index targets [batch, ...] without the class dimension; received predictions [{string.Join(", ", predictions.shape)}] and targets [{string.Join(", ", targets.shape)}].", nameof(targets));
        using var scope = NewDisposeScope();
        var actual = targets.reshape(-1).to_type(ScalarType.Int64);
        var predicted = predictions.argmax(1).reshape(-1);
        // Targets outside [0, C) are counted in one extra cell rather than checked here, which would wait for the device.
        int cells = NumClasses * NumClasses;
        var valid = actual.ge(0).logical_and(actual.lt(NumClasses));
        var pairs = where(valid, actual * NumClasses + predicted, tensor((long)cells, device: actual.device));
        _counts.Add(pairs.bincount(null, cells + 1));
    }

    /// <summary>The C×C counts (row = target, column = prediction), after checking that every target was a class.</summary>
    private long[] Matrix()
    {
        var counts = _counts.Read();
        if (counts.Length == 0) return counts;
        int cells = NumClasses * NumClasses;
        if (counts[cells] > 0)
            throw new InvalidOperationException($"MeanIoU with {NumClasses} classes received {counts[cells]:N0} target elements outside [0, {NumClasses - 1}]; targets must be class indices.");
        return counts[..cells];
    }

    /// <summary>The IoU of class <paramref name="c"/> so far; NaN when it was never present nor predicted.</summary>
    public double ClassIoU(int c)
    {
        if (c < 0 || c >= NumClasses) throw new ArgumentOutOfRangeException(nameof(c), c, $"Invalid value for argument c. Expected a class in [0, {NumClasses - 1}]. Received c={c}.");
        var counts = Matrix();
        return counts.Length == 0 ? double.NaN : IntersectionOverUnion.Of(counts, NumClasses, c);
    }

    /// <inheritdoc />
    public override double Result() => IntersectionOverUnion.Mean(Matrix(), NumClasses, Enumerable.Range(0, NumClasses));

    /// <inheritdoc />
    public override Metric Clone() => new MeanIoU(NumClasses);

    /// <inheritdoc />
    public override double[]? GetState() => _counts.Read().Select(c => (double)c).ToArray();

    /// <inheritdoc />
    public override void SetState(double[] state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Length == 0) _counts.Reset();
        else _counts.Set(state.Select(v => (long)v).ToArray(), new long[] { (long)NumClasses * NumClasses + 1 });
    }
}
