using static TorchSharp.torch;

namespace Kernelwise;

/// <summary>
/// Negative log-likelihood of the target class, <c>−log p_y</c>, for models whose outputs are already
/// log-probabilities [N, classes] (a log-softmax last layer) and class-index targets [N] — PyTorch's <c>NLLLoss</c>.
/// For raw logits use <see cref="CrossEntropy"/>, which is log-softmax followed by this loss.
/// </summary>
public sealed class NegativeLogLikelihood : Loss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="classWeights">Optional weight per class; the mean is then <c>Σ w_y·l / Σ w_y</c>, as in PyTorch.</param>
    public NegativeLogLikelihood(IReadOnlyList<float>? classWeights = null)
    {
        if (classWeights is not null && classWeights.Any(w => !(w >= 0) || float.IsInfinity(w)))
            throw new ArgumentException($"Invalid value for argument classWeights. Expected finite values of 0 or more. Received [{string.Join(", ", classWeights)}].", nameof(classWeights));
        ClassWeights = classWeights?.ToArray();
    }

    /// <summary>Per-class weights, when given.</summary>
    public IReadOnlyList<float>? ClassWeights { get; }

    /// <inheritdoc />
    public override string Name => "nll";

    /// <inheritdoc />
    /// <remarks>Class-index targets must lie in [0, classes), where classes is the number of outputs.</remarks>
    public override string? DescribeTargetProblem(Tensor targets, Shape outputShape)
        => outputShape.Rank == 1 ? DescribeClassIndexProblem(targets, outputShape[0]) : null;

    /// <inheritdoc />
    public override Tensor Compute(Tensor predictions, Tensor targets) => Evaluate(predictions, targets, nn.Reduction.Mean);

    /// <inheritdoc />
    public override Tensor ComputePerSample(Tensor predictions, Tensor targets) => Evaluate(predictions, targets, nn.Reduction.None);

    private Tensor Evaluate(Tensor predictions, Tensor targets, nn.Reduction reduction)
    {
        if (predictions.dim() != 2)
            throw new ArgumentException($"NegativeLogLikelihood expects log-probabilities [batch, classes]; received [{string.Join(", ", predictions.shape)}].", nameof(predictions));
        if (targets.dim() != 1 || targets.shape[0] != predictions.shape[0])
            throw new ArgumentException($"NegativeLogLikelihood expects class-index targets [batch] matching predictions [{string.Join(", ", predictions.shape)}]; received [{string.Join(", ", targets.shape)}].", nameof(targets));
        if (ClassWeights is not null && ClassWeights.Count != predictions.shape[1])
            throw new ArgumentException($"NegativeLogLikelihood has {ClassWeights.Count} class weights but the model outputs {predictions.shape[1]} classes.");
        using var t = targets.dtype == ScalarType.Int64 ? targets.alias() : targets.to_type(ScalarType.Int64);
        using var w = ClassWeights is null ? null : tensor(ClassWeights.ToArray(), device: predictions.device).to_type(predictions.dtype);
        return nn.functional.nll_loss(predictions, t, w, reduction);
    }
}
