namespace Kernelwise.Data;

/// <summary>
/// What a dataset needs to know, beyond the sample indices, to produce a batch: the seed and epoch that random
/// transforms derive each sample's random numbers from, and a token that stops the work early.
/// </summary>
/// <remarks>
/// A random transform draws from a generator seeded by (<see cref="Seed"/>, <see cref="Epoch"/>, sample index, step),
/// never from a generator shared between samples, so a sample gets the same augmentation whichever worker thread loads
/// it and in whichever order — batches are identical with 1 or 8 workers — while each epoch still sees new draws.
/// </remarks>
/// <param name="Seed">The run's seed (the <see cref="DataLoader"/>'s <see cref="DataLoader.Seed"/>).</param>
/// <param name="Epoch">The epoch number (0 for the first).</param>
/// <param name="CancellationToken">Signals that the batch is no longer wanted; datasets check it between samples.</param>
public readonly record struct BatchContext(int Seed, int Epoch, CancellationToken CancellationToken = default)
{
    /// <summary>Seed 0, epoch 0, no cancellation: what <see cref="Dataset.GetBatch(long[])"/> and <see cref="Dataset.GetExample(long)"/> use.</summary>
    public static BatchContext Default => new(0, 0);
}
