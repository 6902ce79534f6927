using Kernelwise.Layers;

namespace Kernelwise.Models;

/// <summary>
/// Fluent builder methods for the rest of the convolution family: Conv1D and Conv3D, depthwise and separable
/// convolutions, and transposed convolutions. Each returns the builder.
/// </summary>
public static partial class ConvolutionalLayerExtensions
{
    /// <summary>Appends a <see cref="Layers.Conv1D"/> layer: (C, L) → (filters, L').</summary>
    public static T Conv1D<T>(this ILayerChain<T> model, int filters, SpatialSize kernelSize, SpatialSize strides = default, Padding padding = default,
        SpatialSize dilation = default, int groups = 1, Activation activation = Activation.Linear, bool useBias = true, string? name = null) where T : ILayerChain<T>
        => model.Then(new Conv1D(filters, kernelSize, strides, padding, dilation, groups, activation, useBias, name));

    /// <summary>Appends a <see cref="Layers.Conv3D"/> layer: (C, D, H, W) → (filters, D', H', W').</summary>
    public static T Conv3D<T>(this ILayerChain<T> model, int filters, SpatialSize kernelSize, SpatialSize strides = default, Padding padding = default,
        SpatialSize dilation = default, int groups = 1, Activation activation = Activation.Linear, bool useBias = true, string? name = null) where T : ILayerChain<T>
        => model.Then(new Conv3D(filters, kernelSize, strides, padding, dilation, groups, activation, useBias, name));

    /// <summary>Appends a <see cref="Layers.DepthwiseConv2D"/> layer: (C, H, W) → (C·depthMultiplier, H', W').</summary>
    public static T DepthwiseConv2D<T>(this ILayerChain<T> model, SpatialSize kernelSize, SpatialSize strides = default, Padding padding = default,
        int depthMultiplier = 1, SpatialSize dilation = default, Activation activation = Activation.Linear, bool useBias = true, string? name = null) where T : ILayerChain<T>
        => model.Then(new DepthwiseConv2D(kernelSize, strides, padding, depthMultiplier, dilation, activation, useBias, name));

    /// <summary>Appends a <see cref="Layers.SeparableConv2D"/> layer: (C, H, W) → (filters, H', W').</summary>
    public static T SeparableConv2D<T>(this ILayerChain<T> model, int filters, SpatialSize kernelSize, SpatialSize strides = default, Padding padding = default,
        int depthMultiplier = 1, SpatialSize dilation = default, Activation activation = Activation.Linear, bool useBias = true, string? name = null) where T : ILayerChain<T>
        => model.Then(new SeparableConv2D(filters, kernelSize, strides, padding, depthMultiplier, dilation, activation, useBias, name));

    /// <summary>Appends a <see cref="Layers.Conv1DTranspose"/> layer: (C, L) → (filters, (L − 1)s − 2p + d(k − 1) + output_padding + 1).</summary>
    public static T Conv1DTranspose<T>(this ILayerChain<T> model, int filters, SpatialSize kernelSize, SpatialSize strides = default, Padding padding = default,
        SpatialSize outputPadding = default, SpatialSize dilation = default, int groups = 1, Activation activation = Activation.Linear, bool useBias = true, string? name = null) where T : ILayerChain<T>
        => model.Then(new Conv1DTranspose(filters, kernelSize, strides, padding, outputPadding, dilation, groups, activation, useBias, name));

    /// <summary>Appends a <see cref="Layers.Conv2DTranspose"/> layer: (C, H, W) → (filters, H', W'), each (n − 1)s − 2p + d(k − 1) + output_padding + 1.</summary>
    public static T Conv2DTranspose<T>(this ILayerChain<T> model, int filters, SpatialSize kernelSize, SpatialSize strides = default, Padding padding = default,
        SpatialSize outputPadding = default, SpatialSize dilation = default, int groups = 1, Activation activation = Activation.Linear, bool useBias = true, string? name = null) where T : ILayerChain<T>
        => model.Then(new Conv2DTranspose(filters, kernelSize, strides, padding, outputPadding, dilation, groups, activation, useBias, name));

    /// <summary>Appends a <see cref="Layers.Conv3DTranspose"/> layer: (C, D, H, W) → (filters, D', H', W').</summary>
    public static T Conv3DTranspose<T>(this ILayerChain<T> model, int filters, SpatialSize kernelSize, SpatialSize strides = default, Padding padding = default,
        SpatialSize outputPadding = default, SpatialSize dilation = default, int groups = 1, Activation activation = Activation.Linear, bool useBias = true, string? name = null) where T : ILayerChain<T>
        => model.Then(new Conv3DTranspose(filters, kernelSize, strides, padding, outputPadding, dilation, groups, activation, useBias, name));
}
