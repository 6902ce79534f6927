namespace Kernelwise.Layers;

/// <summary>
/// A layer that ends in an element-wise <see cref="Kernelwise.Activation"/> of its own (Dense, the convolutions, Residual's
/// post-addition activation, the activation layer). Lets model-level questions such as
/// <c>Model.EndsInSoftmax</c> ask one property instead of knowing every layer type.
/// </summary>
public interface IHasActivation
{
    /// <summary>The activation applied to the layer's output.</summary>
    Activation Activation { get; }
}
