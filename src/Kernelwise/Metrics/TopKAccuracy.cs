using static TorchSharp.torch;

namespace Kernelwise;

/// <summary>
/// Fraction of samples whose target class is among the <see cref="K"/> highest-scoring classes — Keras's
/// <c>SparseTopKCategoricalAccuracy</c>. Counts exactly over the epoch. Predictions [N, C] with C ≥ K, class-index
/// targets [N]. Log key <c>top_{k}_accuracy</c>.
/// </summary>
public sealed class TopKAccuracy : Metric
{
    private readonly DeviceCounter _correct = new();
    private long _total;

    /// <summary>Creates the metric.</summary>
    /// <param name="k">How many top classes count as a hit (default 5).</param>
    public TopKAccuracy(int k = 5) => K = Guard.Positive(k);

    /// <summary>The K in top-K.</summary>
    public int K { get; }

    /// <inheritdoc />
    public override string Name => $"top_{K}_accuracy";

    /// <inheritdoc />
    public override void Reset()
    {
        _correct.Reset();
        _total = 0;
    }

    /// <inheritdoc />
    public override void Update(Tensor predictions, Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(targets);
        if (predictions.dim() != 2 || predictions.shape[1] < K)
            throw new ArgumentException($"TopKAccuracy with k={K} expects predictions [batch, classes] with at least {K} classes; received [{string.Join(", ", predictions.shape)}].", nameof(predictions));
        using var scope = NewDisposeScope();
        var (_, top) = predictions.topk(K, dim: 1);
        var hit = top.eq(targets.to_type(ScalarType.Int64).unsqueeze(1)).any(1);
        _correct.Add(hit.sum());
        _total += targets.shape[0];
    }

    /// <inheritdoc />
    public override double Result() => _total == 0 ? 0 : (double)_correct.Value / _total;

    /// <inheritdoc />
    public override Metric Clone() => new TopKAccuracy(K);

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
