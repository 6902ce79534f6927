
namespace Kernelwise.Data;

/// <summary>
/// Fluent helpers on any <see cref="Dataset"/>: subsets, concatenation, seeded random splits and loader defaults
/// (transforms: <see cref="Dataset.WithTransform"/>).
/// </summary>
public static class DatasetExtensions
{
    /// <summary>The samples at <paramref name="indices"/> (PyTorch's <c>Subset</c>); no data is copied.</summary>
    public static Subset Subset(this Dataset dataset, IEnumerable<long> indices) => new(dataset, indices);

    /// <summary>This dataset followed by <paramref name="others"/> (PyTorch's <c>ConcatDataset</c>).</summary>
    public static ConcatDataset Concat(this Dataset dataset, params Dataset[] others)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(others);
        return new ConcatDataset(others.Prepend(dataset));
    }

    /// <summary>
    /// Splits the samples at random into non-overlapping parts of the given sizes — PyTorch's <c>random_split</c>. The
    /// permutation comes from <paramref name="seed"/>, so a seed gives the same split in every run.
    /// </summary>
    /// <param name="dataset">The samples.</param>
    /// <param name="lengths">Sizes of the parts; they must add up to <c>dataset.Count</c>.</param>
    /// <param name="seed">Seed of the permutation; a random seed when null.</param>
    public static Subset[] RandomSplit(this Dataset dataset, IReadOnlyList<long> lengths, int? seed = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(lengths);
        if (lengths.Count == 0 || lengths.Any(l => l < 0) || lengths.Sum() != dataset.Count)
        {
            throw new ArgumentException(
                $"Invalid value for argument lengths. Expected non-negative sizes adding up to the dataset's {dataset.Count} samples. Received lengths=[{string.Join(", ", lengths)}].",
                nameof(lengths));
        }
        var order = SeededShuffle.Permutation(dataset.Count, seed ?? Random.Shared.Next());
        var parts = new Subset[lengths.Count];
        long start = 0;
        for (int k = 0; k < lengths.Count; k++)
        {
            parts[k] = new Subset(dataset, new ArraySegment<long>(order, (int)start, (int)lengths[k]));
            start += lengths[k];
        }
        return parts;
    }

    /// <summary>
    /// Splits the samples at random into parts holding the given fractions (adding up to 1) — PyTorch's
    /// <c>random_split</c> with fractions: each part gets <c>floor(fraction · N)</c> samples and the remainder is dealt
    /// one by one to the parts in order.
    /// </summary>
    public static Subset[] RandomSplit(this Dataset dataset, IReadOnlyList<double> fractions, int? seed = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(fractions);
        if (fractions.Count == 0 || fractions.Any(f => !(f >= 0) || f > 1) || Math.Abs(fractions.Sum() - 1) > 1e-6)
        {
            throw new ArgumentException(
                $"Invalid value for argument fractions. Expected fractions in [0, 1] adding up to 1. Received fractions=[{string.Join(", ", fractions)}].",
                nameof(fractions));
        }
        long n = dataset.Count;
        var lengths = fractions.Select(f => (long)Math.Floor(n * f)).ToArray();
        long remainder = n - lengths.Sum();
        for (int k = 0; remainder > 0; k = (k + 1) % lengths.Length, remainder--) lengths[k]++;
        return dataset.RandomSplit(lengths, seed);
    }

    /// <summary>Sets the dataset's loader defaults (<see cref="Dataset.LoaderOptions"/>) and returns it, for chaining.</summary>
    /// <param name="dataset">The dataset.</param>
    /// <param name="numWorkers">Worker threads (0: none).</param>
    /// <param name="prefetchFactor">Batches prepared ahead per worker.</param>
    public static T WithWorkers<T>(this T dataset, int numWorkers, int prefetchFactor = 2) where T : Dataset
    {
        ArgumentNullException.ThrowIfNull(dataset);
        dataset.LoaderOptions = new DataLoaderOptions(numWorkers, prefetchFactor);
        return dataset;
    }

}
