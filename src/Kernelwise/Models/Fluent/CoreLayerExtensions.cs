using Kernelwise.Layers;
using Kernelwise.Layers.Core;

namespace Kernelwise.Models;

/// <summary>Fluent builder methods for the core layers (Dense, Flatten, Dropout, activations). Each returns the builder.</summary>
public static class CoreLayerExtensions
{
    /// <summary>Appends a <see cref="Layers.Core.Dense"/> layer.</summary>
    public static Sequential Dense(this Sequential model, int units, Activation activation = Layers.Activation.Linear, bool useBias = true, string? name = null)
        => model.Add(new Dense(units, activation, useBias, name));

    /// <summary>Appends a <see cref="Layers.Core.Flatten"/> layer.</summary>
    public static Sequential Flatten(this Sequential model, string? name = null) => model.Add(new Flatten(name));

    /// <summary>Appends a <see cref="Layers.Core.Dropout"/> layer.</summary>
    public static Sequential Dropout(this Sequential model, double rate, string? name = null) => model.Add(new Dropout(rate, name));

    /// <summary>Appends an <see cref="ActivationLayer"/>.</summary>
    public static Sequential Activation(this Sequential model, Activation activation, double? alpha = null, string? name = null)
        => model.Add(new ActivationLayer(activation, alpha, name));

    /// <summary>Appends a ReLU activation layer.</summary>
    public static Sequential ReLU(this Sequential model, string? name = null) => model.Add(new ActivationLayer(Layers.Activation.ReLU, name: name));
}
