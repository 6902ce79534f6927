using static TorchSharp.torch;

namespace Kernelwise;

/// <summary>
/// A training objective: a scalar tensor from the model's outputs and the targets, averaged over the batch.
/// </summary>
/// <remarks>
/// The returned tensor is fresh and owned by the caller's dispose scope. Because every loss averages over the batch,
/// the trainer weights each batch's value by its size, so the epoch loss is the exact mean over all samples.
/// </remarks>
public abstract class Loss
{
    /// <summary>The name shown in logs (Keras uses "loss" for the objective).</summary>
    public virtual string Name => Naming.ToSnakeCase(GetType().Name);

    /// <summary>The mean loss over the batch.</summary>
    /// <param name="predictions">Model outputs, [N, ...].</param>
    /// <param name="targets">Targets, [N, ...].</param>
    public abstract Tensor Compute(Tensor predictions, Tensor targets);

    /// <summary>
    /// The loss of each sample, [N] (averaged over any further dimensions) — what <c>Fit</c>'s <c>classWeight</c>
    /// reweights (Keras: <c>sum(w_i · l_i) / N</c>). Built-in losses implement it; the default says it is missing.
    /// </summary>
    public virtual Tensor ComputePerSample(Tensor predictions, Tensor targets)
        => throw new NotSupportedException($"Loss {GetType().Name} does not compute per-sample values, which Fit's classWeight needs. Override ComputePerSample.");

    /// <summary>
    /// Checks a batch of targets against the shape of one output sample before the loss sees them (on the host, so no
    /// device wait): returns a sentence describing what is wrong — naming the offending value and what was expected —
    /// or null when the targets fit. The engine turns the sentence into an error naming the model and its last layer.
    /// The default accepts everything; classification losses check their class indices.
    /// </summary>
    /// <param name="targets">The targets of a batch, [N] or [N, ...].</param>
    /// <param name="outputShape">Shape of one output sample (batch excluded).</param>
    public virtual string? DescribeTargetProblem(Tensor targets, Shape outputShape) => null;

    /// <summary>
    /// Shared check for losses over class-index targets: integer targets in [0, classes), where classes is the
    /// output's size (a single logit counts as 2 classes for binary losses).
    /// </summary>
    protected static string? DescribeClassIndexProblem(Tensor targets, int classes)
    {
        ArgumentNullException.ThrowIfNull(targets);
        if (targets.numel() == 0) return null;
        if (targets.is_floating_point() || targets.dtype == ScalarType.Bool) return null;
        using var minimum = targets.min();
        using var maximum = targets.max();
        long min = minimum.item<long>(), max = maximum.item<long>();
        if (min < 0)
            return $"the targets hold class index {min}; class indices must lie in [0, {classes}).";
        if (max >= classes)
            return $"the targets hold class index {max:N0}, but the model's output has {classes} classes: class indices must lie in [0, {classes}). Give the last layer as many units as the data has classes.";
        return null;
    }

    /// <summary>Throws unless the batch sizes agree.</summary>
    protected void RequireSameBatch(Tensor predictions, Tensor targets)
    {
        if (predictions.dim() == 0 || targets.dim() == 0 || predictions.shape[0] != targets.shape[0])
            throw new ArgumentException($"{GetType().Name} received predictions [{string.Join(", ", predictions.shape)}] and targets [{string.Join(", ", targets.shape)}]; both need the same batch size first.");
    }

    /// <summary>Throws unless the shapes are equal (regression and binary losses compare element by element).</summary>
    protected void RequireSameShape(Tensor predictions, Tensor targets)
    {
        if (!predictions.shape.SequenceEqual(targets.shape))
            throw new ArgumentException($"{GetType().Name} expects targets of the same shape as the predictions; received predictions [{string.Join(", ", predictions.shape)}] and targets [{string.Join(", ", targets.shape)}].");
    }

    /// <summary>Averages an element-wise loss [N, ...] to one value per sample [N].</summary>
    protected static Tensor PerSampleMean(Tensor elementwise)
        => elementwise.dim() <= 1 ? elementwise.alias() : elementwise.flatten(1).mean(new long[] { 1 });
}
