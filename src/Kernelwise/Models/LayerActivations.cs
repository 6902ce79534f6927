using System.Collections;
using System.Diagnostics.CodeAnalysis;
using static TorchSharp.torch;

namespace Kernelwise.Models;

/// <summary>
/// The outputs of named layers for one forward pass, by the names they were asked for, with the model's own outputs
/// from the same pass — what Keras gives with <c>keras.Model(model.inputs, [layer.output, ...])(x)</c>. Returned by
/// <see cref="Model.GetActivations(Tensor, string[])"/>.
/// </summary>
/// <remarks>
/// Ownership: the activations and outputs belong to the caller; disposing this object disposes them all (take a
/// tensor's <c>alias()</c> or <c>clone()</c> first to keep it longer). Tensors are on the model's device, batch first:
/// a convolution's activation is [N, C, H, W].
/// </remarks>
public sealed class LayerActivations : IReadOnlyDictionary<string, Tensor>, IDisposable
{
    private readonly Dictionary<string, Tensor> _activations;
    private readonly string _model;
    private bool _disposed;

    internal LayerActivations(string model, IReadOnlyList<string> names, Dictionary<string, Tensor> activations, Tensor[] outputs)
    {
        _model = model;
        Names = names;
        _activations = activations;
        Outputs = outputs;
    }

    /// <summary>The names asked for, in the order given.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The model's outputs (one per output, e.g. the logits) from the same pass.</summary>
    public IReadOnlyList<Tensor> Outputs { get; }

    /// <summary>The output of the layer named <paramref name="name"/>, as asked for.</summary>
    /// <exception cref="KeyNotFoundException">The name was not asked for; the message lists the names that were.</exception>
    public Tensor this[string name]
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _activations.TryGetValue(name, out var t) ? t
                : throw new KeyNotFoundException($"No activation named '{name}' was captured from model '{_model}'; captured: {string.Join(", ", Names)}.");
        }
    }

    /// <inheritdoc />
    public IEnumerable<string> Keys => Names;

    /// <inheritdoc />
    public IEnumerable<Tensor> Values => Names.Select(n => _activations[n]);

    /// <inheritdoc />
    public int Count => Names.Count;

    /// <inheritdoc />
    public bool ContainsKey(string key) => _activations.ContainsKey(key);

    /// <inheritdoc />
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out Tensor value) => _activations.TryGetValue(key, out value);

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, Tensor>> GetEnumerator()
        => Names.Select(n => new KeyValuePair<string, Tensor>(n, _activations[n])).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Disposes the activations and the outputs.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var t in _activations.Values) t.Dispose();
        foreach (var t in Outputs) t.Dispose();
    }
}
