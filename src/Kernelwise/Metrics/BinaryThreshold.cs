using static TorchSharp.torch;

namespace Kernelwise;

/// <summary>
/// Shared by the binary metrics: turns logits into 0/1 decisions at a probability threshold, targets into 0/1, and
/// checks that the two line up element for element.
/// </summary>
internal static class BinaryThreshold
{
    /// <summary>The logit that corresponds to <paramref name="threshold"/>: σ(x) ≥ p exactly when x ≥ log(p / (1 − p)).</summary>
    public static double Logit(double threshold) => Math.Log(threshold / (1 - threshold));

    /// <summary>
    /// Flattens predictions and targets to [elements] after checking their shapes: equal, or the targets lacking the
    /// predictions' channel dimension of size 1 (masks [N, H, W] for logits [N, 1, H, W]).
    /// </summary>
    public static (Tensor Predicted, Tensor Actual) Decide(Tensor predictions, Tensor targets, double logit, string metric)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(targets);
        bool same = predictions.shape.SequenceEqual(targets.shape);
        bool channel = predictions.dim() == targets.dim() + 1 && predictions.dim() >= 2 && predictions.shape[1] == 1
            && predictions.shape.Take(1).Concat(predictions.shape.Skip(2)).SequenceEqual(targets.shape);
        if (!same && !channel)
            throw new ArgumentException($"{metric} expects targets of the same shape as the predictions (or without their channel dimension of size 1); received predictions [{string.Join(", ", predictions.shape)}] and targets [{string.Join(", ", targets.shape)}].", nameof(targets));
        var predicted = predictions.reshape(-1).ge(logit);
        var actual = targets.dtype == ScalarType.Bool ? targets.reshape(-1) : targets.reshape(-1).ge(0.5);
        return (predicted, actual);
    }
}
