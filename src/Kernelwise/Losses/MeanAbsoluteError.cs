using static TorchSharp.torch;

namespace Kernelwise;

/// <summary>
/// Mean of the absolute differences, <c>|x − y|</c> — PyTorch's <c>L1Loss</c>, Keras's <c>MeanAbsoluteError</c>.
/// Predictions and targets have the same shape.
/// </summary>
public sealed class MeanAbsoluteError : Loss
{
    /// <inheritdoc />
    public override string Name => "mean_absolute_error";

    /// <inheritdoc />
    public override Tensor Compute(Tensor predictions, Tensor targets)
    {
        RequireSameShape(predictions, targets);
        return nn.functional.l1_loss(predictions, MeanSquaredError.Match(predictions, targets));
    }

    /// <inheritdoc />
    public override Tensor ComputePerSample(Tensor predictions, Tensor targets)
    {
        RequireSameShape(predictions, targets);
        using var e = nn.functional.l1_loss(predictions, MeanSquaredError.Match(predictions, targets), nn.Reduction.None);
        return PerSampleMean(e);
    }
}
