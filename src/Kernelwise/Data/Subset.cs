using static TorchSharp.torch;

namespace Kernelwise.Data;

/// <summary>
/// The samples of another dataset at the given indices, in that order — PyTorch's <c>Subset</c>. No data is copied;
/// batches are the underlying dataset's batches at the mapped indices (with the same seed and epoch context).
/// </summary>
public sealed class Subset : Dataset
{
    private readonly long[] _indices;

    /// <summary>Creates the view.</summary>
    /// <param name="dataset">The underlying dataset.</param>
    /// <param name="indices">Indices into <paramref name="dataset"/>; each in [0, dataset.Count).</param>
    public Subset(Dataset dataset, IEnumerable<long> indices)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(indices);
        Dataset = dataset;
        _indices = indices.ToArray();
        foreach (var i in _indices)
        {
            if (i < 0 || i >= dataset.Count)
                throw new ArgumentOutOfRangeException(nameof(indices), $"Invalid value for argument indices. Expected indices in [0, {dataset.Count}). Received index {i}.");
        }
        LoaderOptions = dataset.LoaderOptions;
    }

    /// <summary>The underlying dataset.</summary>
    public Dataset Dataset { get; }

    /// <summary>The indices into <see cref="Dataset"/>.</summary>
    public IReadOnlyList<long> Indices => _indices;

    /// <inheritdoc />
    public override long Count => _indices.Length;

    internal override IEnumerable<Dataset> Sources => new[] { Dataset };

    /// <summary>
    /// The same indices into the underlying dataset with <paramref name="transform"/> attached to it (replacing its
    /// transform). See <see cref="Kernelwise.Data.Dataset.WithTransform"/>.
    /// </summary>
    public override Subset WithTransform(TransformPipeline transform)
    {
        ArgumentNullException.ThrowIfNull(transform);
        return new Subset(Dataset.WithTransform(transform), _indices);
    }

    /// <inheritdoc />
    public override (Tensor Input, Tensor Target) GetExample(long index) => Dataset.GetExample(_indices[CheckIndex(index)]);

    /// <inheritdoc />
    public override (Tensor Input, Tensor Target) GetExample(long index, BatchContext context) => Dataset.GetExample(_indices[CheckIndex(index)], context);

    /// <inheritdoc />
    public override Batch GetBatch(long[] indices) => Dataset.GetBatch(Map(indices));

    /// <inheritdoc />
    public override Batch GetBatch(long[] indices, BatchContext context) => Dataset.GetBatch(Map(indices), context);

    private long[] Map(long[] indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var mapped = new long[indices.Length];
        for (int i = 0; i < indices.Length; i++) mapped[i] = _indices[CheckIndex(indices[i])];
        return mapped;
    }
}
