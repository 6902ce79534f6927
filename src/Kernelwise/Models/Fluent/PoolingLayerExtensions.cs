using Kernelwise.Layers;

namespace Kernelwise.Models;

/// <summary>Fluent builder methods for pooling layers. Each returns the builder.</summary>
public static class PoolingLayerExtensions
{
    /// <summary>Appends a <see cref="Layers.MaxPooling2D"/> layer.</summary>
    public static T MaxPooling2D<T>(this ILayerChain<T> model, SpatialSize poolSize = default, SpatialSize strides = default, Padding padding = default, string? name = null) where T : ILayerChain<T>
        => model.Then(new MaxPooling2D(poolSize, strides, padding, name));

    /// <summary>Appends an <see cref="Layers.AveragePooling2D"/> layer.</summary>
    public static T AveragePooling2D<T>(this ILayerChain<T> model, SpatialSize poolSize = default, SpatialSize strides = default, Padding padding = default, string? name = null) where T : ILayerChain<T>
        => model.Then(new AveragePooling2D(poolSize, strides, padding, name));

    /// <summary>Appends an <see cref="Layers.AdaptiveAveragePooling2D"/> layer.</summary>
    public static T AdaptiveAveragePooling2D<T>(this ILayerChain<T> model, SpatialSize outputSize, string? name = null) where T : ILayerChain<T>
        => model.Then(new AdaptiveAveragePooling2D(outputSize, name));

    /// <summary>Appends a <see cref="Layers.GlobalAveragePooling2D"/> layer.</summary>
    public static T GlobalAveragePooling2D<T>(this ILayerChain<T> model, bool keepDims = false, string? name = null) where T : ILayerChain<T>
        => model.Then(new GlobalAveragePooling2D(keepDims, name));

    /// <summary>Appends a <see cref="Layers.MaxPooling1D"/> layer: (C, L) → (C, L').</summary>
    public static T MaxPooling1D<T>(this ILayerChain<T> model, SpatialSize poolSize = default, SpatialSize strides = default, Padding padding = default, string? name = null) where T : ILayerChain<T>
        => model.Then(new MaxPooling1D(poolSize, strides, padding, name));

    /// <summary>Appends a <see cref="Layers.MaxPooling3D"/> layer: (C, D, H, W) → (C, D', H', W').</summary>
    public static T MaxPooling3D<T>(this ILayerChain<T> model, SpatialSize poolSize = default, SpatialSize strides = default, Padding padding = default, string? name = null) where T : ILayerChain<T>
        => model.Then(new MaxPooling3D(poolSize, strides, padding, name));

    /// <summary>Appends an <see cref="Layers.AveragePooling1D"/> layer: (C, L) → (C, L').</summary>
    public static T AveragePooling1D<T>(this ILayerChain<T> model, SpatialSize poolSize = default, SpatialSize strides = default, Padding padding = default, string? name = null) where T : ILayerChain<T>
        => model.Then(new AveragePooling1D(poolSize, strides, padding, name));

    /// <summary>Appends an <see cref="Layers.AveragePooling3D"/> layer: (C, D, H, W) → (C, D', H', W').</summary>
    public static T AveragePooling3D<T>(this ILayerChain<T> model, SpatialSize poolSize = default, SpatialSize strides = default, Padding padding = default, string? name = null) where T : ILayerChain<T>
        => model.Then(new AveragePooling3D(poolSize, strides, padding, name));

    /// <summary>Appends a <see cref="Layers.GlobalAveragePooling1D"/> layer: (C, L) → (C).</summary>
    public static T GlobalAveragePooling1D<T>(this ILayerChain<T> model, bool keepDims = false, string? name = null) where T : ILayerChain<T>
        => model.Then(new GlobalAveragePooling1D(keepDims, name));

    /// <summary>Appends a <see cref="Layers.GlobalAveragePooling3D"/> layer: (C, D, H, W) → (C).</summary>
    public static T GlobalAveragePooling3D<T>(this ILayerChain<T> model, bool keepDims = false, string? name = null) where T : ILayerChain<T>
        => model.Then(new GlobalAveragePooling3D(keepDims, name));

    /// <summary>Appends a <see cref="Layers.GlobalMaxPooling1D"/> layer: (C, L) → (C).</summary>
    public static T GlobalMaxPooling1D<T>(this ILayerChain<T> model, bool keepDims = false, string? name = null) where T : ILayerChain<T>
        => model.Then(new GlobalMaxPooling1D(keepDims, name));

    /// <summary>Appends a <see cref="Layers.GlobalMaxPooling2D"/> layer: (C, H, W) → (C).</summary>
    public static T GlobalMaxPooling2D<T>(this ILayerChain<T> model, bool keepDims = false, string? name = null) where T : ILayerChain<T>
        => model.Then(new GlobalMaxPooling2D(keepDims, name));

    /// <summary>Appends a <see cref="Layers.GlobalMaxPooling3D"/> layer: (C, D, H, W) → (C).</summary>
    public static T GlobalMaxPooling3D<T>(this ILayerChain<T> model, bool keepDims = false, string? name = null) where T : ILayerChain<T>
        => model.Then(new GlobalMaxPooling3D(keepDims, name));

    /// <summary>Appends an <see cref="Layers.AdaptiveAveragePooling1D"/> layer: (C, L) → (C, outputSize).</summary>
    public static T AdaptiveAveragePooling1D<T>(this ILayerChain<T> model, SpatialSize outputSize, string? name = null) where T : ILayerChain<T>
        => model.Then(new AdaptiveAveragePooling1D(outputSize, name));

    /// <summary>Appends an <see cref="Layers.AdaptiveAveragePooling3D"/> layer: (C, D, H, W) → (C, *outputSize).</summary>
    public static T AdaptiveAveragePooling3D<T>(this ILayerChain<T> model, SpatialSize outputSize, string? name = null) where T : ILayerChain<T>
        => model.Then(new AdaptiveAveragePooling3D(outputSize, name));
}
