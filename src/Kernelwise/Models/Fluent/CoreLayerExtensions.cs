using Kernelwise.Layers;

namespace Kernelwise.Models;

/// <summary>Fluent builder methods for the core layers (Dense, Flatten, Dropout, activations). Each returns the builder.</summary>
public static class CoreLayerExtensions
{
    /// <summary>Appends a <see cref="Layers.Dense"/> layer.</summary>
    public static T Dense<T>(this ILayerChain<T> model, int units, Activation activation = Kernelwise.Activation.Linear, bool useBias = true, string? name = null) where T : ILayerChain<T>
        => model.Then(new Dense(units, activation, useBias, name));

    /// <summary>Appends a <see cref="Layers.Flatten"/> layer.</summary>
    public static T Flatten<T>(this ILayerChain<T> model, string? name = null) where T : ILayerChain<T> => model.Then(new Flatten(name));

    /// <summary>Appends a <see cref="Layers.Dropout"/> layer.</summary>
    public static T Dropout<T>(this ILayerChain<T> model, double rate, string? name = null) where T : ILayerChain<T> => model.Then(new Dropout(rate, name));

    /// <summary>Appends an <see cref="ActivationLayer"/>.</summary>
    public static T Activation<T>(this ILayerChain<T> model, Activation activation, double? alpha = null, string? name = null) where T : ILayerChain<T>
        => model.Then(new ActivationLayer(activation, alpha, name));

    /// <summary>Appends a ReLU activation layer.</summary>
    public static T ReLU<T>(this ILayerChain<T> model, string? name = null) where T : ILayerChain<T> => model.Then(new ActivationLayer(Kernelwise.Activation.ReLU, name: name));

    /// <summary>Appends a <see cref="Layers.SpatialDropout2D"/> layer: drops whole channels in training.</summary>
    public static T SpatialDropout2D<T>(this ILayerChain<T> model, double rate, string? name = null) where T : ILayerChain<T> => model.Then(new SpatialDropout2D(rate, name));

    /// <summary>Appends a LeakyReLU activation layer: x for x ≥ 0, alpha·x otherwise (PyTorch's default slope 0.01).</summary>
    public static T LeakyReLU<T>(this ILayerChain<T> model, double alpha = 0.01, string? name = null) where T : ILayerChain<T>
        => model.Then(new ActivationLayer(Kernelwise.Activation.LeakyReLU, alpha, name));

    /// <summary>Appends an ELU activation layer: x for x ≥ 0, alpha·(eˣ − 1) otherwise.</summary>
    public static T ELU<T>(this ILayerChain<T> model, double alpha = 1.0, string? name = null) where T : ILayerChain<T>
        => model.Then(new ActivationLayer(Kernelwise.Activation.ELU, alpha, name));

    /// <summary>Appends a GELU activation layer: x·Φ(x).</summary>
    public static T GELU<T>(this ILayerChain<T> model, string? name = null) where T : ILayerChain<T> => model.Then(new ActivationLayer(Kernelwise.Activation.GELU, name: name));

    /// <summary>Appends a SiLU (swish) activation layer: x·σ(x).</summary>
    public static T SiLU<T>(this ILayerChain<T> model, string? name = null) where T : ILayerChain<T> => model.Then(new ActivationLayer(Kernelwise.Activation.SiLU, name: name));

    /// <summary>Appends a sigmoid activation layer: 1 / (1 + e⁻ˣ).</summary>
    public static T Sigmoid<T>(this ILayerChain<T> model, string? name = null) where T : ILayerChain<T> => model.Then(new ActivationLayer(Kernelwise.Activation.Sigmoid, name: name));

    /// <summary>Appends a tanh activation layer.</summary>
    public static T Tanh<T>(this ILayerChain<T> model, string? name = null) where T : ILayerChain<T> => model.Then(new ActivationLayer(Kernelwise.Activation.Tanh, name: name));

    /// <summary>Appends a softmax layer over dimension 1 (features, or channels at each position).</summary>
    public static T Softmax<T>(this ILayerChain<T> model, string? name = null) where T : ILayerChain<T> => model.Then(new ActivationLayer(Kernelwise.Activation.Softmax, name: name));
}
