using static TorchSharp.torch;

namespace Kernelwise.Data;

/// <summary>
/// A finite, indexable collection of (input, target) samples — PyTorch's map-style dataset.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="GetExample(long)"/> and <see cref="GetBatch(long[])"/> return fresh tensors that the caller owns; they must
/// be thread-safe, because a <see cref="DataLoader"/> with workers calls them from several threads at once. Subclasses
/// that hold their data in one tensor override <see cref="GetBatch(long[])"/> with a single gather, which is much faster
/// than stacking examples.
/// </para>
/// <para>
/// Datasets with random transforms also override the <see cref="BatchContext"/> overloads: the loader passes its seed and
/// the epoch there, and each sample's random draws derive from (seed, epoch, sample index). A dataset that skips bad
/// samples (see <c>ImageFolder</c>) may return a batch with fewer samples than indices, or none; the
/// <see cref="DataLoader"/> passes over empty batches.
/// </para>
/// </remarks>
public abstract class Dataset
{
    private DataLoaderOptions _loaderOptions = DataLoaderOptions.Synchronous;

    /// <summary>Number of samples.</summary>
    public abstract long Count { get; }

    /// <summary>The datasets this one draws its samples from (wrappers such as subsets and transforms); empty for a source of data.</summary>
    internal virtual IEnumerable<Dataset> Sources => Array.Empty<Dataset>();

    /// <summary>
    /// Defaults for every <see cref="DataLoader"/> created over this dataset without explicit options, including those
    /// <c>Model.Fit</c>, <c>Evaluate</c> and <c>Predict</c> create: worker threads and prefetch depth. Synchronous for
    /// in-memory tensors; image datasets default to <see cref="DataLoaderOptions.Parallel"/>.
    /// </summary>
    public DataLoaderOptions LoaderOptions
    {
        get => _loaderOptions;
        set => _loaderOptions = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>The sample at <paramref name="index"/>: input (e.g. [C, H, W]) and target (a scalar class index or a tensor).</summary>
    public abstract (Tensor Input, Tensor Target) GetExample(long index);

    /// <summary>
    /// The sample at <paramref name="index"/> with random transforms drawn for <paramref name="context"/>'s seed and epoch.
    /// The base implementation ignores the context and calls <see cref="GetExample(long)"/>.
    /// </summary>
    public virtual (Tensor Input, Tensor Target) GetExample(long index, BatchContext context) => GetExample(index);

    /// <summary>The samples at <paramref name="indices"/>, stacked along a new first dimension.</summary>
    public virtual Batch GetBatch(long[] indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        if (indices.Length == 0) throw new ArgumentException("A batch needs at least one index.", nameof(indices));
        var inputs = new Tensor[indices.Length];
        var targets = new Tensor[indices.Length];
        try
        {
            for (int i = 0; i < indices.Length; i++) (inputs[i], targets[i]) = GetExample(CheckIndex(indices[i]));
            return new Batch(stack(inputs), stack(targets));
        }
        finally
        {
            foreach (var t in inputs) t?.Dispose();
            foreach (var t in targets) t?.Dispose();
        }
    }

    /// <summary>
    /// The samples at <paramref name="indices"/> with random transforms drawn for <paramref name="context"/>'s seed and
    /// epoch; the data loader calls this overload. The base implementation ignores the context and calls
    /// <see cref="GetBatch(long[])"/>.
    /// </summary>
    public virtual Batch GetBatch(long[] indices, BatchContext context) => GetBatch(indices);

    /// <summary>
    /// The same samples with their inputs transformed by <paramref name="transform"/> (augmentation, normalisation),
    /// with one meaning for every dataset: the transform is applied to the samples as their source holds them and
    /// <em>replaces</em> any transform attached before — transforms do not stack (to add a step, extend the pipeline
    /// you attached). An empty pipeline removes the transform. The dataset itself is not changed.
    /// </summary>
    /// <remarks>
    /// <list type="bullet">
    /// <item>An <see cref="ImageFolder"/> decodes its files through <paramref name="transform"/> instead of its own.</item>
    /// <item>A <see cref="TransformDataset"/> applies it to its untransformed <see cref="TransformDataset.Source"/>.</item>
    /// <item>A <see cref="Data.Subset"/> or <see cref="ConcatDataset"/> passes it to the datasets it draws from and keeps
    /// its indices and order.</item>
    /// <item>Any other dataset is wrapped in a <see cref="TransformDataset"/>: its inputs must be images [C, H, W] with 1, 3
    /// or 4 channels and values in [0, 1] (as Fashion-MNIST's or CIFAR-10's); with an empty pipeline it is returned
    /// as it is.</item>
    /// </list>
    /// A typical use keeps augmentation for training only:
    /// <code>
    /// var (train, validation) = data.RandomSplit(new[] { 0.9, 0.1 }, seed: 1);
    /// var augmented = train.WithTransform(new TransformPipeline().RandomCrop(32, padding: 4).RandomHorizontalFlip());
    /// </code>
    /// torchvision sets a dataset's <c>transform</c> the same way (one transform per dataset, replaced by assignment).
    /// </remarks>
    /// <param name="transform">The transforms; <c>new TransformPipeline()</c> for none.</param>
    /// <returns>A new dataset over the same samples (or this one, when there is nothing to apply).</returns>
    public virtual Dataset WithTransform(TransformPipeline transform)
    {
        ArgumentNullException.ThrowIfNull(transform);
        return transform.Steps.Count == 0 ? this : new TransformDataset(this, transform);
    }

    /// <summary>Throws a clear error for an index outside [0, Count).</summary>
    protected long CheckIndex(long index)
    {
        if (index < 0 || index >= Count)
            throw new ArgumentOutOfRangeException(nameof(index), $"Index {index} is out of range for {GetType().Name} with {Count} samples.");
        return index;
    }
}
