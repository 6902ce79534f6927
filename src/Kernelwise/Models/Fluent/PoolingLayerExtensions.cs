using Kernelwise.Layers;

namespace Kernelwise.Models;

/// <summary>Fluent builder methods for pooling layers. Each returns the builder.</summary>
public static class PoolingLayerExtensions
{
    /// <summary>Appends a <see cref="Layers.MaxPooling2D"/> layer.</summary>
    public static Sequential MaxPooling2D(this Sequential model, SpatialSize poolSize = default, SpatialSize strides = default, Padding padding = default, string? name = null)
        => model.Add(new MaxPooling2D(poolSize, strides, padding, name));

    /// <summary>Appends an <see cref="Layers.AveragePooling2D"/> layer.</summary>
    public static Sequential AveragePooling2D(this Sequential model, SpatialSize poolSize = default, SpatialSize strides = default, Padding padding = default, string? name = null)
        => model.Add(new AveragePooling2D(poolSize, strides, padding, name));

    /// <summary>Appends an <see cref="Layers.AdaptiveAveragePooling2D"/> layer.</summary>
    public static Sequential AdaptiveAveragePooling2D(this Sequential model, SpatialSize outputSize, string? name = null)
        => model.Add(new AdaptiveAveragePooling2D(outputSize, name));

    /// <summary>Appends a <see cref="Layers.GlobalAveragePooling2D"/> layer.</summary>
    public static Sequential GlobalAveragePooling2D(this Sequential model, bool keepDims = false, string? name = null)
        => model.Add(new GlobalAveragePooling2D(keepDims, name));

    /// <summary>Appends a <see cref="Layers.MaxPooling1D"/> layer: (C, L) → (C, L').</summary>
    public static Sequential MaxPooling1D(this Sequential model, SpatialSize poolSize = default, SpatialSize strides = default, Padding padding = default, string? name = null)
        => model.Add(new MaxPooling1D(poolSize, strides, padding, name));

    /// <summary>Appends a <see cref="Layers.MaxPooling3D"/> layer: (C, D, H, W) → (C, D', H', W').</summary>
    public static Sequential MaxPooling3D(this Sequential model, SpatialSize poolSize = default, SpatialSize strides = default, Padding padding = default, string? name = null)
        => model.Add(new MaxPooling3D(poolSize, strides, padding, name));

    /// <summary>Appends an <see cref="Layers.AveragePooling1D"/> layer: (C, L) → (C, L').</summary>
    public static Sequential AveragePooling1D(this Sequential model, SpatialSize poolSize = default, SpatialSize strides = default, Padding padding = default, string? name = null)
        => model.Add(new AveragePooling1D(poolSize, strides, padding, name));

    /// <summary>Appends an <see cref="Layers.AveragePooling3D"/> layer: (C, D, H, W) → (C, D', H', W').</summary>
    public static Sequential AveragePooling3D(this Sequential model, SpatialSize poolSize = default, SpatialSize strides = default, Padding padding = default, string? name = null)
        => model.Add(new AveragePooling3D(poolSize, strides, padding, name));

    /// <summary>Appends a <see cref="Layers.GlobalAveragePooling1D"/> layer: (C, L) → (C).</summary>
    public static Sequential GlobalAveragePooling1D(this Sequential model, bool keepDims = false, string? name = null)
        => model.Add(new GlobalAveragePooling1D(keepDims, name));

    /// <summary>Appends a <see cref="Layers.GlobalAveragePooling3D"/> layer: (C, D, H, W) → (C).</summary>
    public static Sequential GlobalAveragePooling3D(this Sequential model, bool keepDims = false, string? name = null)
        => model.Add(new GlobalAveragePooling3D(keepDims, name));

    /// <summary>Appends a <see cref="Layers.GlobalMaxPooling1D"/> layer: (C, L) → (C).</summary>
    public static Sequential GlobalMaxPooling1D(this Sequential model, bool keepDims = false, string? name = null)
        => model.Add(new GlobalMaxPooling1D(keepDims, name));

    /// <summary>Appends a <see cref="Layers.GlobalMaxPooling2D"/> layer: (C, H, W) → (C).</summary>
    public static Sequential GlobalMaxPooling2D(this Sequential model, bool keepDims = false, string? name = null)
        => model.Add(new GlobalMaxPooling2D(keepDims, name));

    /// <summary>Appends a <see cref="Layers.GlobalMaxPooling3D"/> layer: (C, D, H, W) → (C).</summary>
    public static Sequential GlobalMaxPooling3D(this Sequential model, bool keepDims = false, string? name = null)
        => model.Add(new GlobalMaxPooling3D(keepDims, name));

    /// <summary>Appends an <see cref="Layers.AdaptiveAveragePooling1D"/> layer: (C, L) → (C, outputSize).</summary>
    public static Sequential AdaptiveAveragePooling1D(this Sequential model, SpatialSize outputSize, string? name = null)
        => model.Add(new AdaptiveAveragePooling1D(outputSize, name));

    /// <summary>Appends an <see cref="Layers.AdaptiveAveragePooling3D"/> layer: (C, D, H, W) → (C, *outputSize).</summary>
    public static Sequential AdaptiveAveragePooling3D(this Sequential model, SpatialSize outputSize, string? name = null)
        => model.Add(new AdaptiveAveragePooling3D(outputSize, name));
}
