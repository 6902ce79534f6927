using static TorchSharp.torch;

namespace Kernelwise;

/// <summary>
/// Mean of the squared differences, <c>(x − y)²</c> — PyTorch's <c>MSELoss</c>, Keras's <c>MeanSquaredError</c>.
/// Predictions and targets have the same shape.
/// </summary>
public sealed class MeanSquaredError : Loss
{
    /// <inheritdoc />
    public override string Name => "mean_squared_error";

    /// <inheritdoc />
    public override Tensor Compute(Tensor predictions, Tensor targets)
    {
        RequireSameShape(predictions, targets);
        return nn.functional.mse_loss(predictions, Match(predictions, targets));
    }

    /// <inheritdoc />
    public override Tensor ComputePerSample(Tensor predictions, Tensor targets)
    {
        RequireSameShape(predictions, targets);
        using var e = nn.functional.mse_loss(predictions, Match(predictions, targets), nn.Reduction.None);
        return PerSampleMean(e);
    }

    internal static Tensor Match(Tensor predictions, Tensor targets)
        => targets.dtype == predictions.dtype ? targets : targets.to_type(predictions.dtype);
}
