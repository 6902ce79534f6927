using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Kernelwise.Training;

/// <summary>
/// How one <see cref="Trainer.Fit"/> is spread over processes (Lightning's strategy, Keras's distribution): each
/// process trains on its shard of every batch, and the strategy makes the processes agree — the same initial weights,
/// averaged gradients before each update, epoch figures summed over all processes. The default,
/// <see cref="SingleProcess"/>, does nothing; <c>DataParallel</c>, in the Distributed namespace, provides data parallelism
/// over MPI.
/// </summary>
/// <remarks>
/// <para>The engine calls the strategy at fixed points: <see cref="Run"/> around the whole <c>Fit</c>;
/// <see cref="Setup"/> once before training (after a resumed run's checkpoint was applied); its data loader gives
/// each process a contiguous part of every global batch of the epoch's order (<see cref="Data.DataLoader.ShardCount"/>,
/// ranked by <see cref="Rank"/>); <see cref="AverageGradients"/> before clipping and the optimizer step;
/// <see cref="SumAcrossProcesses"/> on the epoch's loss and metric counts, and to make every process take the same
/// decisions (the data order's seed, whether a process has a batch, whether any process stopped training);
/// <see cref="OnRandomStateRestored"/> after a resumed run restored libtorch's generator; and it lets only the
/// <see cref="IsPrimary"/> process print and write files.</para>
/// <para>With more than one process, every process must call every hook the same number of times in the same order:
/// the engine makes sure of that for its own calls (a process whose part of the last batch is empty still joins the
/// update; a stop asked for by a callback on one process stops all of them).</para>
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

    /// <summary>
    /// Runs one whole <c>Fit</c> (<paramref name="fit"/>) in this process. A strategy over several processes makes a
    /// failure in one process end all of them — the others would otherwise wait for ever in their next collective
    /// operation; the default just runs it.
    /// </summary>
    public virtual History Run(Func<History> fit)
    {
        ArgumentNullException.ThrowIfNull(fit);
        return fit();
    }

    /// <summary>
    /// Makes every process's model identical before training (broadcast of rank 0's weights and buffers) and checks
    /// that the processes train the same model. Called after a resumed run's checkpoint has been applied.
    /// </summary>
    public virtual void Setup(Trainer model) { }

    /// <summary>
    /// Replaces the gradient of each of <paramref name="parameters"/> (the model's trainable parameters, in the same
    /// order in every process) with its average over all processes, weighted by each process's number of samples in
    /// this step (<paramref name="localSamples"/>, 0 for a process whose part of the batch was empty), so the result
    /// equals the gradient of one process over the whole global batch. A parameter may have no gradient in some
    /// processes (a branch that was not used); a parameter with no gradient in any process keeps none.
    /// </summary>
    public virtual void AverageGradients(IReadOnlyList<Parameter> parameters, long localSamples) { }

    /// <summary>Sums <paramref name="values"/> element-wise over all processes, in place (epoch loss sums and metric counts).</summary>
    public virtual void SumAcrossProcesses(double[] values) { }

    /// <summary>Waits until every process reaches this point.</summary>
    public virtual void Barrier() { }

    /// <summary>
    /// Called after a resumed run restored libtorch's random generator from its checkpoint (which holds rank 0's):
    /// a data-parallel strategy mixes the rank in again, so each process keeps drawing its own dropout masks.
    /// </summary>
    public virtual void OnRandomStateRestored() { }

    /// <summary>Releases what <see cref="Setup"/> acquired (called when <c>Fit</c> ends).</summary>
    public virtual void TearDown() { }

    private sealed class SingleProcessStrategy : DistributionStrategy
    {
    }
}
