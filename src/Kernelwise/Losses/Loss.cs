using static TorchSharp.torch;

namespace Kernelwise.Losses;

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
}
