using Kernelwise.Layers;

namespace Kernelwise.Models;

/// <summary>Fluent builder methods for normalization layers. Each returns the builder.</summary>
public static class NormalizationLayerExtensions
{
    /// <summary>Appends a <see cref="Layers.BatchNormalization"/> layer.</summary>
    public static T BatchNormalization<T>(this ILayerChain<T> model, double momentum = 0.1, double epsilon = 1e-5, string? name = null) where T : ILayerChain<T>
        => model.Then(new BatchNormalization(momentum, epsilon, name));

    /// <summary>Appends a <see cref="Layers.LayerNormalization"/> layer (same shape in and out).</summary>
    public static T LayerNormalization<T>(this ILayerChain<T> model, NormalizationAxes axes = NormalizationAxes.Channels, double epsilon = 1e-5, string? name = null) where T : ILayerChain<T>
        => model.Then(new LayerNormalization(axes, epsilon, name));
}
