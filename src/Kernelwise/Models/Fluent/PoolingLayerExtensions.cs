using Kernelwise.Layers.Pooling;

namespace Kernelwise.Models;

/// <summary>Fluent builder methods for pooling layers. Each returns the builder.</summary>
public static class PoolingLayerExtensions
{
    /// <summary>Appends a <see cref="Layers.Pooling.MaxPooling2D"/> layer.</summary>
    public static Sequential MaxPooling2D(this Sequential model, SpatialSize poolSize = default, SpatialSize strides = default, Padding padding = default, string? name = null)
        => model.Add(new MaxPooling2D(poolSize, strides, padding, name));

    /// <summary>Appends an <see cref="Layers.Pooling.AveragePooling2D"/> layer.</summary>
    public static Sequential AveragePooling2D(this Sequential model, SpatialSize poolSize = default, SpatialSize strides = default, Padding padding = default, string? name = null)
        => model.Add(new AveragePooling2D(poolSize, strides, padding, name));

    /// <summary>Appends an <see cref="Layers.Pooling.AdaptiveAveragePooling2D"/> layer.</summary>
    public static Sequential AdaptiveAveragePooling2D(this Sequential model, SpatialSize outputSize, string? name = null)
        => model.Add(new AdaptiveAveragePooling2D(outputSize, name));

    /// <summary>Appends a <see cref="Layers.Pooling.GlobalAveragePooling2D"/> layer.</summary>
    public static Sequential GlobalAveragePooling2D(this Sequential model, bool keepDims = false, string? name = null)
        => model.Add(new GlobalAveragePooling2D(keepDims, name));
}
