using static TorchSharp.torch;

namespace Kernelwise.Training;

/// <summary>
/// How one <see cref="Trainer.Fit"/> is spread over processes (Lightning's strategy, Keras's distribution): each
/// process trains on its shard of every batch, and the strategy makes the processes agree — the same initial weights,
/// averaged gradients before each update, epoch figures summed over all processes. The default,
/// <see cref="SingleProcess"/>, does nothing; <c>Kernelwise.Distributed</c> provides data parallelism over MPI.
/// </summary>
/// <remarks>
/// The engine calls the strategy at fixed points: <see cref="Setup"/> once before training; its data loader gives
/// each process a contiguous part of every global batch of the epoch's order (<see cref="Data.DataLoader.ShardCount"/>,
/// ranked by <see cref="Rank"/>); <see cref="AverageGradients"/> before clipping and the optimizer step;
/// <see cref="SumAcrossProcesses"/> on the epoch's loss and metric counts; and it lets only the
/// <see cref="IsPrimary"/> process print and write files.
/// </remarks>
public abstract class DistributionStrategy
{
    /// <summary>One process, nothing shared: an ordinary run.</summary>
    public static DistributionStrategy SingleProcess { get; } = new SingleProcessStrategy();

    /// <summary>This process's index (0 … <see cref="WorldSize"/> − 1).</summary>
    public virtual int Rank => 0;

    /// <summary>Number of processes training together.</summary>
    public virtual int WorldSize => 1;

    /// <summary>True in the process that prints, logs and writes checkpoints (rank 0).</summary>
    public bool IsPrimary => Rank == 0;

    /// <summary>Makes every process's model identical before training (broadcast of rank 0's weights and buffers) and checks that the processes train the same model.</summary>
    public virtual void Setup(Trainer model) { }

    /// <summary>
    /// Replaces each gradient with the average over all processes, weighted by each process's number of samples in
    /// this step (<paramref name="localSamples"/>), so the result equals the gradient of one process over the whole
    /// global batch.
    /// </summary>
    public virtual void AverageGradients(IReadOnlyList<Tensor> gradients, long localSamples) { }

    /// <summary>Sums <paramref name="values"/> element-wise over all processes, in place (epoch loss sums and metric counts).</summary>
    public virtual void SumAcrossProcesses(double[] values) { }

    /// <summary>Waits until every process reaches this point.</summary>
    public virtual void Barrier() { }

    /// <summary>Releases what <see cref="Setup"/> acquired (called when <c>Fit</c> ends).</summary>
    public virtual void TearDown() { }

    private sealed class SingleProcessStrategy : DistributionStrategy
    {
    }
}
