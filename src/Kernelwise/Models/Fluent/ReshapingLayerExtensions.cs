using Kernelwise.Layers;

namespace Kernelwise.Models;

/// <summary>Fluent builder methods for reshaping layers (Reshape, ZeroPadding2D, UpSampling2D). Each returns the builder.</summary>
public static class ReshapingLayerExtensions
{
    /// <summary>Appends a <see cref="Layers.Reshape"/> layer: any shape → <paramref name="targetShape"/> (one -1 inferred).</summary>
    public static T Reshape<T>(this ILayerChain<T> model, int[] targetShape, string? name = null) where T : ILayerChain<T> => model.Then(new Reshape(targetShape, name));

    /// <summary>Appends a symmetric <see cref="Layers.ZeroPadding2D"/> layer: (C, H, W) → (C, H + 2p_h, W + 2p_w).</summary>
    public static T ZeroPadding2D<T>(this ILayerChain<T> model, SpatialSize padding = default, string? name = null) where T : ILayerChain<T> => model.Then(new ZeroPadding2D(padding, name));

    /// <summary>Appends a <see cref="Layers.ZeroPadding2D"/> layer with its own amount per side.</summary>
    public static T ZeroPadding2D<T>(this ILayerChain<T> model, (int Top, int Bottom) height, (int Left, int Right) width, string? name = null) where T : ILayerChain<T>
        => model.Then(new ZeroPadding2D(height, width, name));

    /// <summary>Appends an <see cref="Layers.UpSampling2D"/> layer: (C, H, W) → (C, H·s_h, W·s_w).</summary>
    public static T UpSampling2D<T>(this ILayerChain<T> model, SpatialSize size = default, UpSamplingInterpolation interpolation = UpSamplingInterpolation.Nearest, string? name = null) where T : ILayerChain<T>
        => model.Then(new UpSampling2D(size, interpolation, name));
}
