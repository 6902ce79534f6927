namespace Kernelwise.Layers;

/// <summary>
/// Something a layer can be appended to — the receiver of the fluent layer methods (<c>.Conv2D(...)</c>,
/// <c>.MaxPooling2D(...)</c>, ...): a <see cref="LayerStack"/> or a model definition appends the layer and returns
/// itself; a <see cref="SymbolicTensor"/> applies the layer and returns the layer's output (Keras's functional API).
/// </summary>
/// <typeparam name="TSelf">The implementing type, so each fluent call returns the receiver's own type.</typeparam>
public interface ILayerChain<TSelf> where TSelf : ILayerChain<TSelf>
{
    /// <summary>Appends (or applies) <paramref name="layer"/>.</summary>
    /// <returns>The receiver for a stack of layers; the layer's output for a symbolic tensor.</returns>
    TSelf Then(Layer layer);
}
