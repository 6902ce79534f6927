namespace Kernelwise.Training;

/// <summary>
/// Per-epoch results of <see cref="Models.Model.Fit"/> — Keras's <c>History</c>: <c>history["val_accuracy"][2]</c> is the
/// validation accuracy after the third epoch recorded. Several <c>Fit</c> calls on one model append to the same history.
/// </summary>
public sealed class History
{
    private readonly Dictionary<string, List<double>> _values = new();
    private readonly List<int> _epochs = new();

    /// <summary>The epoch indices recorded, in order.</summary>
    public IReadOnlyList<int> Epochs => _epochs;

    /// <summary>The keys recorded (loss, accuracy, val_loss, ...).</summary>
    public IEnumerable<string> Keys => _values.Keys;

    /// <summary>The values of <paramref name="key"/>, one per recorded epoch.</summary>
    public IReadOnlyList<double> this[string key]
        => _values.TryGetValue(key, out var v) ? v : throw new KeyNotFoundException($"History has no key '{key}'. Keys recorded: {string.Join(", ", _values.Keys)}.");

    /// <summary>Whether <paramref name="key"/> was recorded.</summary>
    public bool Contains(string key) => _values.ContainsKey(key);

    /// <summary>Appends one epoch's logs.</summary>
    public void Record(int epoch, IDictionary<string, double> logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        _epochs.Add(epoch);
        foreach (var (k, v) in logs)
        {
            if (!_values.TryGetValue(k, out var list))
            {
                list = Enumerable.Repeat(double.NaN, _epochs.Count - 1).ToList();
                _values[k] = list;
            }
            list.Add(v);
        }
        foreach (var list in _values.Values)
            while (list.Count < _epochs.Count) list.Add(double.NaN);
    }

    /// <summary>Replaces everything recorded with the contents of <paramref name="other"/> (when a run is resumed from a checkpoint).</summary>
    internal void ReplaceWith(History other)
    {
        _values.Clear();
        _epochs.Clear();
        foreach (var (k, v) in other._values) _values[k] = v.ToList();
        _epochs.AddRange(other._epochs);
    }
}
