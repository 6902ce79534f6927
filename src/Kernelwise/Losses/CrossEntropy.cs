using static TorchSharp.torch;

namespace Kernelwise;

/// <summary>
/// Categorical cross-entropy over logits [N, classes] and class-index targets [N] (int64) — PyTorch's
/// <c>CrossEntropyLoss</c>, Keras's <c>SparseCategoricalCrossentropy(from_logits=True)</c>. The model's last layer
/// should have no softmax: log-softmax is applied here, in a numerically stable form.
/// </summary>
public sealed class CrossEntropy : Loss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="labelSmoothing">Mass moved from the true class to a uniform distribution, in [0, 1).</param>
    /// <param name="classWeights">Optional weight per class (rescales each sample's term); length = number of classes.</param>
    public CrossEntropy(double labelSmoothing = 0, IReadOnlyList<float>? classWeights = null)
    {
        LabelSmoothing = Guard.InRange(labelSmoothing, 0, 1, maxInclusive: false);
        if (classWeights is not null && classWeights.Any(w => !(w >= 0) || float.IsInfinity(w)))
            throw new ArgumentException($"Invalid value for argument classWeights. Expected finite values of 0 or more. Received [{string.Join(", ", classWeights)}].", nameof(classWeights));
        ClassWeights = classWeights?.ToArray();
    }

    /// <summary>Label smoothing factor.</summary>
    public double LabelSmoothing { get; }

    /// <summary>Per-class weights, when given.</summary>
    public IReadOnlyList<float>? ClassWeights { get; }

    /// <inheritdoc />
    public override string Name => "cross_entropy";

    /// <inheritdoc />
    /// <remarks>Class-index targets must lie in [0, classes), where classes is the number of outputs.</remarks>
    public override string? DescribeTargetProblem(Tensor targets, Shape outputShape)
        => outputShape.Rank == 1 ? DescribeClassIndexProblem(targets, outputShape[0]) : null;

    /// <inheritdoc />
    public override Tensor Compute(Tensor predictions, Tensor targets) => Evaluate(predictions, targets, nn.Reduction.Mean);

    /// <inheritdoc />
    /// <remarks>With class weights, each sample's value is multiplied by its class's weight.</remarks>
    public override Tensor ComputePerSample(Tensor predictions, Tensor targets) => Evaluate(predictions, targets, nn.Reduction.None);

    private Tensor Evaluate(Tensor predictions, Tensor targets, nn.Reduction reduction)
    {
        if (predictions.dim() != 2)
            throw new ArgumentException($"CrossEntropy expects predictions [batch, classes]; received [{string.Join(", ", predictions.shape)}].", nameof(predictions));
        if (targets.dim() != 1 || targets.shape[0] != predictions.shape[0])
            throw new ArgumentException($"CrossEntropy expects class-index targets [batch] matching predictions [{string.Join(", ", predictions.shape)}]; received [{string.Join(", ", targets.shape)}].", nameof(targets));
        if (ClassWeights is not null && ClassWeights.Count != predictions.shape[1])
            throw new ArgumentException($"CrossEntropy has {ClassWeights.Count} class weights but the model outputs {predictions.shape[1]} classes.");
        var t = targets.dtype == ScalarType.Int64 ? targets : targets.to_type(ScalarType.Int64);
        if (ClassWeights is null)
            return nn.functional.cross_entropy(predictions, t, reduction: reduction, label_smoothing: LabelSmoothing);
        using var w = tensor(ClassWeights.ToArray(), device: predictions.device).to_type(predictions.dtype);
        return nn.functional.cross_entropy(predictions, t, w, reduction: reduction, label_smoothing: LabelSmoothing);
    }
}
