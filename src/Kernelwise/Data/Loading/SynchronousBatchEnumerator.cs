namespace Kernelwise.Data.Loading;

/// <summary>Builds each batch on the consuming thread when <see cref="MoveNext"/> asks for it (a loader with no workers).</summary>
internal sealed class SynchronousBatchEnumerator : IEnumerator<Batch>
{
    private readonly Dataset _dataset;
    private readonly BatchPlan _plan;
    private readonly BatchContext _context;
    private readonly bool _pin;
    private readonly CancellationToken _token;
    private long _next;
    private Batch? _current;

    public SynchronousBatchEnumerator(Dataset dataset, BatchPlan plan, BatchContext context, bool pin, CancellationToken token)
    {
        _dataset = dataset;
        _plan = plan;
        _context = context with { CancellationToken = token };
        _pin = pin;
        _token = token;
    }

    public Batch Current => _current ?? throw new InvalidOperationException("Enumeration has not started; call MoveNext first.");

    object System.Collections.IEnumerator.Current => Current;

    public bool MoveNext()
    {
        while (_next < _plan.Count)
        {
            _token.ThrowIfCancellationRequested();
            var batch = _dataset.GetBatch(_plan.Indices(_next++), _context);
            if (batch.Size == 0)
            {
                batch.Dispose();
                continue;
            }
            _current = _pin ? BatchPinning.Pin(batch) : batch;
            return true;
        }
        _current = null;
        return false;
    }

    public void Reset() => throw new NotSupportedException("A data loader's enumerator cannot be reset; enumerate the loader again for the next epoch.");

    public void Dispose() => _next = _plan.Count;
}
