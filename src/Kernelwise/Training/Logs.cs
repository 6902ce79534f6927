using System.Collections;

namespace Kernelwise.Training;

/// <summary>
/// The values a callback receives — Keras's <c>logs</c> dictionary, keyed <c>loss</c>, <c>accuracy</c>,
/// <c>val_loss</c>, <c>val_accuracy</c>, <c>lr</c> (and, for models with several outputs, <c>{output}_loss</c>,
/// <c>{output}_accuracy</c>). Keys keep the order they were added in.
/// </summary>
/// <remarks>
/// The running loss and metrics of a training step are kept on the model's device, so that a step never waits for
/// the GPU: reading an entry is what copies it to the host, once, when a callback (or the progress bar, at most ten
/// times a second) asks for it. Values are cached after the first read.
/// </remarks>
public sealed class Logs : IReadOnlyDictionary<string, double>
{
    private readonly List<string> _keys = new();
    private readonly Dictionary<string, double> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Func<double>> _pending = new(StringComparer.Ordinal);

    /// <summary>Creates empty logs.</summary>
    public Logs()
    {
    }

    /// <summary>Creates logs holding <paramref name="values"/>, in order.</summary>
    public Logs(IEnumerable<KeyValuePair<string, double>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        foreach (var (k, v) in values) this[k] = v;
    }

    /// <summary>The value of <paramref name="key"/> (read from the device on first access); setting adds or replaces it.</summary>
    public double this[string key]
    {
        get => TryGetValue(key, out var v) ? v : throw new KeyNotFoundException($"The logs have no key '{key}'. Keys: {string.Join(", ", _keys)}.");
        set
        {
            ArgumentNullException.ThrowIfNull(key);
            if (!_values.ContainsKey(key) && !_pending.ContainsKey(key)) _keys.Add(key);
            _pending.Remove(key);
            _values[key] = value;
        }
    }

    /// <summary>Adds or replaces <paramref name="key"/> with a value computed when first read.</summary>
    public void SetLazy(string key, Func<double> value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        if (!_values.ContainsKey(key) && !_pending.ContainsKey(key)) _keys.Add(key);
        _values.Remove(key);
        _pending[key] = value;
    }

    /// <inheritdoc />
    public IEnumerable<string> Keys => _keys;

    /// <inheritdoc />
    public IEnumerable<double> Values => _keys.Select(k => this[k]);

    /// <inheritdoc />
    public int Count => _keys.Count;

    /// <inheritdoc />
    public bool ContainsKey(string key) => _values.ContainsKey(key) || _pending.ContainsKey(key);

    /// <inheritdoc />
    public bool TryGetValue(string key, out double value)
    {
        if (_values.TryGetValue(key, out value)) return true;
        if (_pending.Remove(key, out var compute))
        {
            value = compute();
            _values[key] = value;
            return true;
        }
        value = double.NaN;
        return false;
    }

    /// <summary>A copy with every value read.</summary>
    public Logs Snapshot() => new(this);

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, double>> GetEnumerator()
    {
        foreach (var k in _keys.ToList()) yield return new KeyValuePair<string, double>(k, this[k]);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
