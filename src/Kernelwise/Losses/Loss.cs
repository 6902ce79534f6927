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
    public virtual string Name => Layers.Layer.ToSnakeCase(GetType().Name);

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
