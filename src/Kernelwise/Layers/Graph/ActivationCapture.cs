using static TorchSharp.torch;

namespace Kernelwise.Layers;

/// <summary>
/// Records the outputs of chosen layers while a forward pass runs — top-level layers and layers inside composites
/// alike. Every <see cref="GraphModule"/>, the model's own and the nested ones that run the paths of residual blocks and
/// branches, reports each layer's output here; while a capture is open on the thread, the outputs of its layers are kept.
/// </summary>
/// <remarks>
/// <para>Layers are matched by reference, so two models never mix. A layer that runs several times in the pass (a
/// shared layer) keeps its last output.</para>
/// <para>Ownership: a recorded tensor is a new handle to the layer's output (autograd sees the same tensor), detached
/// from every dispose scope — composites run their paths inside scopes of their own that would otherwise free it.
/// <see cref="Take"/> hands it to the caller in the caller's current scope; whatever is not taken is disposed with the
/// capture.</para>
/// </remarks>
internal sealed class ActivationCapture : IDisposable
{
    [ThreadStatic]
    private static ActivationCapture? t_current;

    private readonly ActivationCapture? _previous;
    private readonly Dictionary<Layer, Tensor?> _recorded = new(ReferenceEqualityComparer.Instance);
    private bool _disposed;

    private ActivationCapture(IEnumerable<Layer> layers)
    {
        foreach (var layer in layers) _recorded[layer] = null;
        _previous = t_current;
        t_current = this;
    }

    /// <summary>Starts recording the outputs of <paramref name="layers"/> on this thread until the capture is disposed.</summary>
    public static ActivationCapture Begin(IEnumerable<Layer> layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        return new ActivationCapture(layers);
    }

    /// <summary>Called by the graph executor after each layer runs; keeps the output when an open capture wants it.</summary>
    internal static void Observe(Layer layer, Tensor output)
    {
        var capture = t_current;
        if (capture is null || !capture._recorded.TryGetValue(layer, out var previous)) return;
        previous?.Dispose();
        var kept = output.alias();
        kept.DetachFromDisposeScope();
        capture._recorded[layer] = kept;
    }

    /// <summary>The output <paramref name="layer"/> produced, owned by the caller (in the caller's dispose scope, if any); null when it did not run.</summary>
    public Tensor? Take(Layer layer)
    {
        if (!_recorded.TryGetValue(layer, out var kept) || kept is null) return null;
        _recorded[layer] = null;
        // A fresh handle is registered in the scope open now; the detached one is released.
        var owned = kept.alias();
        kept.Dispose();
        return owned;
    }

    /// <summary>Stops recording and releases what was not taken.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (ReferenceEquals(t_current, this)) t_current = _previous;
        foreach (var t in _recorded.Values) t?.Dispose();
        _recorded.Clear();
    }
}
