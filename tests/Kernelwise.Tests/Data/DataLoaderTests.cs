using System.Diagnostics;
using Kernelwise.Data;
using Kernelwise.Tests.Data.Loading;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Data;

public class DataLoaderTests
{
    private static long[][] Collect(DataLoader loader)
    {
        var result = new List<long[]>();
        foreach (var batch in loader)
        {
            using (batch) result.Add(batch.Targets.data<long>().ToArray());
        }
        return result.ToArray();
    }

    public class Order
    {
        [Theory]
        [InlineData(0)]
        [InlineData(1)]
        [InlineData(2)]
        [InlineData(3)]
        public void Should_DeliverTheSameBatchesInTheSameOrder_When_NumberOfWorkersChanges(int workers)
        {
            var dataset = new FakeDataset(103) { Delay = TimeSpan.FromMilliseconds(1) };
            var reference = Collect(new DataLoader(new FakeDataset(103), batchSize: 10, shuffle: true, seed: 5, numWorkers: 0) { Epoch = 2 });
            var batches = Collect(new DataLoader(dataset, batchSize: 10, shuffle: true, seed: 5, numWorkers: workers) { Epoch = 2 });
            Assert.Equal(11, batches.Length);
            Assert.Equal(reference, batches);
            Assert.Equal(Enumerable.Range(0, 103).Select(i => (long)i), batches.SelectMany(b => b).Order());
        }

        [Fact]
        public void Should_KeepBatchOrder_When_LaterBatchesFinishFirst()
        {
            // Batch 0 is the slowest: with 4 workers, batches 1-3 finish before it, but must still come after it.
            var dataset = new SlowFirstDataset();
            var batches = Collect(new DataLoader(dataset, batchSize: 2, numWorkers: 4));
            Assert.Equal(new[] { 0L, 2, 4, 6, 8 }, batches.Select(b => b[0]));
        }

        [Fact]
        public void Should_UseSeveralThreads_When_WorkersAreSet()
        {
            var dataset = new FakeDataset(64) { Delay = TimeSpan.FromMilliseconds(20) };
            _ = Collect(new DataLoader(dataset, batchSize: 4, numWorkers: 2));
            Assert.DoesNotContain(Environment.CurrentManagedThreadId, dataset.Threads);
            Assert.Equal(2, dataset.MaxInFlight);
        }

        [Fact]
        public void Should_DropTheIncompleteLastBatch_When_DropLastIsSet()
        {
            var loader = new DataLoader(new FakeDataset(10), batchSize: 4, dropLast: true, numWorkers: 2);
            Assert.Equal(2, loader.BatchCount);
            Assert.Equal(new[] { 4, 4 }, Collect(loader).Select(b => b.Length));
            Assert.Equal(new[] { 4, 4, 2 }, Collect(new DataLoader(new FakeDataset(10), batchSize: 4, numWorkers: 2)).Select(b => b.Length));
        }

        [Fact]
        public void Should_ChangeTheOrderEachEpoch_When_Shuffling()
        {
            var loader = new DataLoader(new FakeDataset(50), batchSize: 50, shuffle: true, seed: 1, numWorkers: 1);
            var first = Collect(loader)[0];
            var second = Collect(loader)[0];
            Assert.Equal(2, loader.Epoch);
            Assert.NotEqual(first, second);
            Assert.Equal(first.Order(), second.Order());
        }

        [Fact]
        public void Should_PassOverEmptyBatches_When_TheDatasetSkippedAllTheirSamples()
        {
            var dataset = new FakeDataset(12) { EmptyBatchesStartingAt = new() { 4 } };
            foreach (int workers in new[] { 0, 2 })
            {
                var batches = Collect(new DataLoader(dataset, batchSize: 4, numWorkers: workers));
                Assert.Equal(new[] { 0L, 8 }, batches.Select(b => b[0]));
            }
        }

        [Fact]
        public void Should_TakeWorkersFromTheDataset_When_NotGiven()
        {
            var dataset = new FakeDataset(8).WithWorkers(3, prefetchFactor: 5);
            var loader = new DataLoader(dataset, batchSize: 2);
            Assert.Equal(3, loader.NumWorkers);
            Assert.Equal(5, loader.PrefetchFactor);
            Assert.Equal(0, new DataLoader(dataset, batchSize: 2, numWorkers: 0).NumWorkers);
        }
    }

    public class Prefetching
    {
        [Fact]
        public void Should_PrepareAtMostWorkersTimesPrefetchFactorBatches_When_TheConsumerIsSlow()
        {
            var dataset = new FakeDataset(400);
            var loader = new DataLoader(dataset, batchSize: 2, numWorkers: 2, prefetchFactor: 3);
            using var e = loader.GetEnumerator();
            Assert.True(e.MoveNext());
            e.Current.Dispose();
            Thread.Sleep(300); // the workers fill the queue and must then wait
            Assert.InRange(dataset.Calls, 2, 1 + 2 * 3);
        }

        [Fact]
        public void Should_LeakNoBatch_When_EveryBatchIsConsumed()
        {
            long before = Batch.LiveCount;
            var dataset = new FakeDataset(100);
            _ = Collect(new DataLoader(dataset, batchSize: 7, numWorkers: 2));
            Assert.Equal(before, Batch.LiveCount);
            Assert.All(dataset.Created, b => Assert.True(b.IsDisposed));
        }
    }

    public class Errors
    {
        [Fact]
        public void Should_DeliverTheWorkersExceptionWithItsMessage_When_ABatchFails()
        {
            long before = Batch.LiveCount;
            var dataset = new FakeDataset(100) { FailAt = 43 };
            var loader = new DataLoader(dataset, batchSize: 10, numWorkers: 2);
            var delivered = new List<long>();
            var error = Assert.Throws<InvalidDataException>(() =>
            {
                foreach (var batch in loader)
                {
                    using (batch) delivered.Add(batch.Targets[0].item<long>());
                }
            });
            Assert.Contains("broken_43.png", error.Message);
            Assert.Contains("FakeDataset", error.StackTrace); // the worker's stack trace is preserved
            Assert.Equal(new[] { 0L, 10, 20, 30 }, delivered); // every batch before the failing one arrives, in order
            Assert.Equal(0, dataset.InFlight);
            Assert.Equal(before, Batch.LiveCount);
        }

        [Fact]
        public void Should_ThrowTheDatasetsException_When_NoWorkers()
        {
            var loader = new DataLoader(new FakeDataset(20) { FailAt = 5 }, batchSize: 4, numWorkers: 0);
            var error = Assert.Throws<InvalidDataException>(() => Collect(loader));
            Assert.Contains("broken_5.png", error.Message);
        }

        [Fact]
        public void Should_RejectInvalidArguments_When_Constructed()
        {
            var ds = new FakeDataset(4);
            Assert.Contains("Received numWorkers=-1", Assert.Throws<ArgumentOutOfRangeException>(() => new DataLoader(ds, numWorkers: -1)).Message);
            Assert.Contains("Received prefetchFactor=0", Assert.Throws<ArgumentOutOfRangeException>(() => new DataLoader(ds, prefetchFactor: 0)).Message);
            Assert.Contains("empty", Assert.Throws<ArgumentException>(() => new DataLoader(new FakeDataset(0))).Message);
        }
    }

    public class Stopping
    {
        [Fact]
        public async Task Should_StopWorkersPromptlyAndDisposeUndeliveredBatches_When_TheConsumerBreaksEarly()
        {
            long before = Batch.LiveCount;
            var dataset = new FakeDataset(2000) { Delay = TimeSpan.FromMilliseconds(30) };
            var loader = new DataLoader(dataset, batchSize: 4, numWorkers: 3, prefetchFactor: 4);
            var clock = Stopwatch.StartNew();
            var run = Task.Run(() =>
            {
                int n = 0;
                foreach (var batch in loader)
                {
                    batch.Dispose();
                    if (++n == 3) break;
                }
            });
            await run.WaitAsync(TimeSpan.FromSeconds(10)); // a TimeoutException here means leaving the loop early hung
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"Stopping took {clock.Elapsed}.");
            Assert.Equal(0, dataset.InFlight); // Dispose waited for the workers
            Assert.True(dataset.Calls < 3 + 3 * 4 + 3);
            Assert.Equal(before, Batch.LiveCount);
            Assert.All(dataset.Created, b => Assert.True(b.IsDisposed));
        }

        [Fact]
        public async Task Should_ThrowOperationCanceledPromptly_When_TheTokenIsCancelledWhileWaiting()
        {
            long before = Batch.LiveCount;
            var dataset = new FakeDataset(100) { Delay = TimeSpan.FromSeconds(30) };
            using var cts = new CancellationTokenSource();
            var loader = new DataLoader(dataset, batchSize: 10, numWorkers: 2) { CancellationToken = cts.Token };
            var clock = Stopwatch.StartNew();
            cts.CancelAfter(200);
            var run = Task.Run(() => Collect(loader));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"Cancelling took {clock.Elapsed}.");
            Assert.Equal(0, dataset.InFlight);
            Assert.Equal(before, Batch.LiveCount);
        }

        [Fact]
        public void Should_StopBetweenBatches_When_CancelledWithoutWorkers()
        {
            using var cts = new CancellationTokenSource();
            var loader = new DataLoader(new FakeDataset(100), batchSize: 10, numWorkers: 0) { CancellationToken = cts.Token };
            int n = 0;
            Assert.ThrowsAny<OperationCanceledException>(() =>
            {
                foreach (var batch in loader)
                {
                    batch.Dispose();
                    if (++n == 2) cts.Cancel();
                }
            });
            Assert.Equal(2, n);
        }

        [Fact]
        public async Task Should_NotHang_When_EnumeratorIsDisposedBeforeTheFirstBatch()
        {
            var dataset = new FakeDataset(100) { Delay = TimeSpan.FromMilliseconds(50) };
            var loader = new DataLoader(dataset, batchSize: 10, numWorkers: 4);
            var run = Task.Run(() => loader.GetEnumerator().Dispose());
            await run.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(0, dataset.InFlight);
        }
    }

    /// <summary>Batch 0 takes 300 ms, the others none.</summary>
    private sealed class SlowFirstDataset : Dataset
    {
        public override long Count => 10;

        public override (Tensor Input, Tensor Target) GetExample(long index) => throw new NotSupportedException();

        public override Batch GetBatch(long[] indices)
        {
            if (indices[0] == 0) Thread.Sleep(300);
            return new Batch(tensor(indices.Select(i => (float)i).ToArray()), tensor(indices));
        }
    }
}
