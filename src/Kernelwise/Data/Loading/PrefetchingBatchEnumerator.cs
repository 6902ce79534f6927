using System.Runtime.ExceptionServices;

namespace Kernelwise.Data.Loading;

/// <summary>
/// The consumer's side of a loader with workers: takes batches from the workers' shared <see cref="PrefetchQueue"/> in
/// batch order. Disposing it stops the workers; if it is dropped without being disposed, its finalizer stops them too
/// (the workers reference only the queue, never this object, so it can be collected).
/// </summary>
internal sealed class PrefetchingBatchEnumerator : IEnumerator<Batch>
{
    private readonly PrefetchQueue _queue;
    private Batch? _current;

    public PrefetchingBatchEnumerator(Dataset dataset, BatchPlan plan, BatchContext context, int workers, int capacity, bool pin, CancellationToken token)
    {
        _queue = new PrefetchQueue(dataset, plan, context, capacity, pin, token);
        _queue.Start(workers);
    }

    ~PrefetchingBatchEnumerator() => _queue.Stop(waitForWorkers: false);

    public Batch Current => _current ?? throw new InvalidOperationException("Enumeration has not started; call MoveNext first.");

    object System.Collections.IEnumerator.Current => Current;

    public bool MoveNext()
    {
        _current = null;
        while (true)
        {
            PrefetchQueue.Outcome? outcome;
            try
            {
                outcome = _queue.Take();
            }
            catch
            {
                _queue.Stop(waitForWorkers: true);
                throw;
            }
            if (outcome is null) return false;
            if (outcome.Error is { } error)
            {
                _queue.Stop(waitForWorkers: true);
                error.Throw();
            }
            var batch = outcome.Batch!;
            if (batch.Size == 0)
            {
                batch.Dispose();
                continue;
            }
            _current = batch;
            return true;
        }
    }

    public void Reset() => throw new NotSupportedException("A data loader's enumerator cannot be reset; enumerate the loader again for the next epoch.");

    public void Dispose()
    {
        _queue.Stop(waitForWorkers: true);
        GC.SuppressFinalize(this);
    }
}

/// <summary>
/// The bounded, ordered prefetch queue between the workers and the consumer. Workers claim batch numbers in order, but
/// only while fewer than <c>capacity</c> batches are claimed and not yet taken, so memory stays bounded; results are
/// stored by batch number and the consumer takes them in order, whatever order they finish in.
/// </summary>
internal sealed class PrefetchQueue
{
    private readonly Dataset _dataset;
    private readonly BatchPlan _plan;
    private readonly BatchContext _context;
    private readonly int _capacity;
    private readonly bool _pin;
    private readonly CancellationToken _userToken;
    private readonly CancellationTokenSource _stop = new();
    private readonly object _gate = new();
    private readonly Dictionary<long, Outcome> _ready = new();
    private readonly CancellationTokenRegistration _registration;
    private Thread[] _workers = Array.Empty<Thread>();
    private long _nextToClaim;
    private long _nextToTake;
    private bool _stopped;

    public PrefetchQueue(Dataset dataset, BatchPlan plan, BatchContext context, int capacity, bool pin, CancellationToken token)
    {
        _dataset = dataset;
        _plan = plan;
        _capacity = capacity;
        _pin = pin;
        _userToken = token;
        _context = context with { CancellationToken = _stop.Token };
        _registration = token.CanBeCanceled ? token.Register(static s => ((PrefetchQueue)s!).Wake(), this) : default;
    }

    /// <summary>A finished batch, or the exception that building it threw.</summary>
    public sealed record Outcome(Batch? Batch, ExceptionDispatchInfo? Error);

    public void Start(int workers)
    {
        _workers = new Thread[Math.Max(1, (int)Math.Min(workers, _plan.Count))];
        for (int i = 0; i < _workers.Length; i++)
        {
            _workers[i] = new Thread(Work) { IsBackground = true, Name = $"Kernelwise DataLoader worker {i}" };
            _workers[i].Start();
        }
    }

    /// <summary>The next batch in order (waiting for it), or null at the end of the epoch.</summary>
    /// <exception cref="OperationCanceledException">The user's token was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The enumeration was stopped.</exception>
    public Outcome? Take()
    {
        lock (_gate)
        {
            while (true)
            {
                _userToken.ThrowIfCancellationRequested();
                if (_stopped) throw new ObjectDisposedException(nameof(DataLoader), "The data loader's enumeration was stopped.");
                if (_nextToTake >= _plan.Count) return null;
                if (_ready.Remove(_nextToTake, out var outcome))
                {
                    _nextToTake++;
                    Monitor.PulseAll(_gate); // a slot is free: a waiting worker may claim the next batch
                    return outcome;
                }
                Monitor.Wait(_gate);
            }
        }
    }

    /// <summary>Stops the workers, disposes every batch not taken and (optionally) waits for the workers to exit.</summary>
    public void Stop(bool waitForWorkers)
    {
        List<Outcome> undelivered;
        lock (_gate)
        {
            if (_stopped && !waitForWorkers) return;
            _stopped = true;
            undelivered = _ready.Values.ToList();
            _ready.Clear();
            Monitor.PulseAll(_gate);
        }
        try { _stop.Cancel(); } catch (ObjectDisposedException) { }
        foreach (var o in undelivered) o.Batch?.Dispose();
        if (!waitForWorkers) return;
        foreach (var w in _workers)
        {
            if (w != Thread.CurrentThread) w.Join();
        }
        _registration.Dispose();
    }

    private void Wake()
    {
        lock (_gate) Monitor.PulseAll(_gate);
        try { _stop.Cancel(); } catch (ObjectDisposedException) { }
    }

    private void Work()
    {
        while (true)
        {
            long b;
            lock (_gate)
            {
                while (!_stopped && !_userToken.IsCancellationRequested && _nextToClaim < _plan.Count && _nextToClaim >= _nextToTake + _capacity)
                    Monitor.Wait(_gate);
                if (_stopped || _userToken.IsCancellationRequested || _nextToClaim >= _plan.Count) return;
                b = _nextToClaim++;
            }
            Outcome outcome;
            try
            {
                var batch = _dataset.GetBatch(_plan.Indices(b), _context);
                if (_pin) batch = BatchPinning.Pin(batch);
                outcome = new Outcome(batch, null);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                outcome = new Outcome(null, ExceptionDispatchInfo.Capture(e));
            }
            lock (_gate)
            {
                if (!_stopped)
                {
                    _ready[b] = outcome;
                    Monitor.PulseAll(_gate);
                    if (outcome.Error is null) continue;
                    return; // the consumer stops everything when it reaches the failed batch
                }
            }
            outcome.Batch?.Dispose();
            return;
        }
    }
}
