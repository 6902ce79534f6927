using System.Collections.Concurrent;
using Kernelwise.Data;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Data.Loading;

/// <summary>
/// A dataset for loader tests: sample i is the scalar i (input [1]) with target i; batches can be slowed down, made to
/// fail, or made empty, and every batch built is recorded so tests can check that none leaks.
/// </summary>
internal sealed class FakeDataset : Dataset
{
    private int _inFlight;

    public FakeDataset(long count) => Count = count;

    public override long Count { get; }

    /// <summary>Delay per GetBatch call.</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>A sample index whose batch throws.</summary>
    public long? FailAt { get; init; }

    /// <summary>Batches whose first index is in this set come back empty.</summary>
    public HashSet<long> EmptyBatchesStartingAt { get; init; } = new();

    public ConcurrentBag<Batch> Created { get; } = new();

    public ConcurrentBag<int> Threads { get; } = new();

    public int Calls;

    public int MaxInFlight;

    public int InFlight => Volatile.Read(ref _inFlight);

    public override (Tensor Input, Tensor Target) GetExample(long index) => (tensor(new float[] { index }), tensor(index));

    public override Batch GetBatch(long[] indices) => GetBatch(indices, BatchContext.Default);

    public override Batch GetBatch(long[] indices, BatchContext context)
    {
        Interlocked.Increment(ref Calls);
        int now = Interlocked.Increment(ref _inFlight);
        int seen;
        while ((seen = Volatile.Read(ref MaxInFlight)) < now && Interlocked.CompareExchange(ref MaxInFlight, now, seen) != seen) { }
        Threads.Add(Environment.CurrentManagedThreadId);
        try
        {
            if (Delay > TimeSpan.Zero)
            {
                // Sleep in small steps and honour cancellation, as a real dataset checks between samples.
                var until = DateTime.UtcNow + Delay;
                while (DateTime.UtcNow < until)
                {
                    context.CancellationToken.ThrowIfCancellationRequested();
                    Thread.Sleep(5);
                }
            }
            if (FailAt is long f && indices.Contains(f)) throw new InvalidDataException($"Sample {f} is broken (file 'broken_{f}.png').");
            var batch = EmptyBatchesStartingAt.Contains(indices[0])
                ? new Batch(empty(0, 1), empty(0, dtype: ScalarType.Int64))
                : new Batch(tensor(indices.Select(i => (float)i).ToArray(), new long[] { indices.Length, 1 }), tensor(indices));
            Created.Add(batch);
            return batch;
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }
}
