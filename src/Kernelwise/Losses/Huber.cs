using static TorchSharp.torch;

namespace Kernelwise;

/// <summary>
/// Huber loss: <c>½d²</c> where <c>|d| ≤ δ</c>, else <c>δ(|d| − ½δ)</c>, with <c>d = x − y</c> — quadratic near zero,
/// linear for outliers. PyTorch's <c>HuberLoss</c>, Keras's <c>Huber</c>. Predictions and targets have the same shape.
/// </summary>
public sealed class Huber : Loss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="delta">Where the loss turns from quadratic to linear (default 1).</param>
    public Huber(double delta = 1.0) => Delta = Guard.Positive(delta);

    /// <summary>The threshold δ.</summary>
    public double Delta { get; }

    /// <inheritdoc />
    public override string Name => "huber";

    /// <inheritdoc />
    public override Tensor Compute(Tensor predictions, Tensor targets)
    {
        RequireSameShape(predictions, targets);
        return nn.functional.huber_loss(predictions, MeanSquaredError.Match(predictions, targets), Delta);
    }

    /// <inheritdoc />
    public override Tensor ComputePerSample(Tensor predictions, Tensor targets)
    {
        RequireSameShape(predictions, targets);
        using var e = nn.functional.huber_loss(predictions, MeanSquaredError.Match(predictions, targets), Delta, nn.Reduction.None);
        return PerSampleMean(e);
    }
}
