using static TorchSharp.torch;

namespace Kernelwise;

/// <summary>
/// Fraction of samples whose highest-scoring class equals the target class index (Keras's
/// <c>SparseCategoricalAccuracy</c>). Counts correct predictions and samples exactly over the epoch.
/// </summary>
public sealed class Accuracy : Metric
{
    private readonly DeviceCounter _correct = new();
    private long _total;

    /// <inheritdoc />
    public override string Name => "accuracy";

    /// <inheritdoc />
    public override void Reset()
    {
        _correct.Reset();
        _total = 0;
    }

    /// <inheritdoc />
    public override void Update(Tensor predictions, Tensor targets)
    {
        using var predicted = predictions.argmax(1);
        using var t = targets.to_type(ScalarType.Int64);
        using var eq = predicted.eq(t);
        using var sum = eq.sum();
        _correct.Add(sum);
        _total += targets.shape[0];
    }

    /// <summary>Correct predictions so far.</summary>
    public long Correct => _correct.Value;

    /// <summary>Samples so far.</summary>
    public long Total => _total;

    /// <inheritdoc />
    public override double Result() => _total == 0 ? 0 : (double)_correct.Value / _total;

    /// <inheritdoc />
    public override Metric Clone() => new Accuracy();

    /// <inheritdoc />
    public override double[]? GetState() => new double[] { _correct.Value, _total };

    /// <inheritdoc />
    public override void SetState(double[] state)
    {
        ArgumentNullException.ThrowIfNull(state);
        _correct.Set((long)state[0]);
        _total = (long)state[1];
    }
}
