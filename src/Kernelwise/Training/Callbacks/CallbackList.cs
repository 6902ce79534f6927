namespace Kernelwise.Training;

/// <summary>
/// Dispatches every hook to a list of callbacks, in order — Keras's <c>CallbackList</c>. The engine calls this one
/// object; it sets each callback's <see cref="Callback.Model"/>, <see cref="Callback.Params"/> and
/// <see cref="Callback.State"/> before a run and clears the state after it.
/// </summary>
public sealed class CallbackList : Callback
{
    private readonly List<Callback> _callbacks;

    /// <summary>Wraps <paramref name="callbacks"/> (none may be null).</summary>
    public CallbackList(IEnumerable<Callback> callbacks)
    {
        ArgumentNullException.ThrowIfNull(callbacks);
        _callbacks = callbacks.ToList();
        for (int i = 0; i < _callbacks.Count; i++)
        {
            if (_callbacks[i] is null) throw new ArgumentException($"Invalid value for argument callbacks. Expected no null entries. Received null at position {i}.", nameof(callbacks));
        }
    }

    /// <summary>The callbacks, in dispatch order.</summary>
    public IReadOnlyList<Callback> Callbacks => _callbacks;

    /// <summary>Adds a callback at the end.</summary>
    public void Add(Callback callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        _callbacks.Add(callback);
    }

    /// <summary>Attaches the model, parameters and state to every callback.</summary>
    public void Attach(Trainer model, TrainingParameters? parameters, TrainingState? state)
    {
        Model = model;
        Params = parameters;
        State = state;
        foreach (var c in _callbacks)
        {
            c.Model = model;
            c.Params = parameters;
            c.State = state;
        }
    }

    /// <summary>Clears every callback's state (after a run).</summary>
    public void Detach()
    {
        State = null;
        foreach (var c in _callbacks) c.State = null;
    }

    /// <inheritdoc />
    public override void OnTrainBegin(Logs logs) { foreach (var c in _callbacks) c.OnTrainBegin(logs); }

    /// <inheritdoc />
    public override void OnTrainEnd(Logs logs) { foreach (var c in _callbacks) c.OnTrainEnd(logs); }

    /// <inheritdoc />
    public override void OnEpochBegin(int epoch, Logs logs) { foreach (var c in _callbacks) c.OnEpochBegin(epoch, logs); }

    /// <inheritdoc />
    public override void OnEpochEnd(int epoch, Logs logs) { foreach (var c in _callbacks) c.OnEpochEnd(epoch, logs); }

    /// <inheritdoc />
    public override void OnTrainBatchBegin(int batch, Logs logs) { foreach (var c in _callbacks) c.OnTrainBatchBegin(batch, logs); }

    /// <inheritdoc />
    public override void OnTrainBatchEnd(int batch, Logs logs) { foreach (var c in _callbacks) c.OnTrainBatchEnd(batch, logs); }

    /// <inheritdoc />
    public override void OnTestBegin(Logs logs) { foreach (var c in _callbacks) c.OnTestBegin(logs); }

    /// <inheritdoc />
    public override void OnTestEnd(Logs logs) { foreach (var c in _callbacks) c.OnTestEnd(logs); }

    /// <inheritdoc />
    public override void OnTestBatchEnd(int batch, Logs logs) { foreach (var c in _callbacks) c.OnTestBatchEnd(batch, logs); }

    /// <inheritdoc />
    public override void OnPredictBegin(Logs logs) { foreach (var c in _callbacks) c.OnPredictBegin(logs); }

    /// <inheritdoc />
    public override void OnPredictBatchEnd(int batch, Logs logs) { foreach (var c in _callbacks) c.OnPredictBatchEnd(batch, logs); }

    /// <inheritdoc />
    public override void OnPredictEnd(Logs logs) { foreach (var c in _callbacks) c.OnPredictEnd(logs); }

    /// <inheritdoc />
    public override void OnInterrupt(int epoch, int batch, Logs logs) { foreach (var c in _callbacks) c.OnInterrupt(epoch, batch, logs); }

    /// <inheritdoc />
    public override void OnWarning(string message) { foreach (var c in _callbacks) c.OnWarning(message); }

    /// <inheritdoc />
    public override void OnEpochCommitted(int epoch, Logs logs) { foreach (var c in _callbacks) c.OnEpochCommitted(epoch, logs); }

    /// <summary>The callbacks with their checkpoint keys (<see cref="Callback.StateKey"/>, repeats numbered <c>#1</c>, <c>#2</c>).</summary>
    public IEnumerable<(string Key, Callback Callback)> Keyed()
    {
        var seen = new Dictionary<string, int>();
        foreach (var c in _callbacks)
        {
            string key = c.StateKey;
            int n = seen.TryGetValue(key, out int previous) ? previous + 1 : 0;
            seen[key] = n;
            yield return (n == 0 ? key : $"{key}#{n}", c);
        }
    }
}
