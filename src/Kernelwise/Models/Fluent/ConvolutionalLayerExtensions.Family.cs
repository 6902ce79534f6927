using Kernelwise.Layers;

namespace Kernelwise.Models;

/// <summary>
/// Fluent builder methods for the rest of the convolution family: Conv1D and Conv3D, depthwise and separable
/// convolutions, and transposed convolutions. Each returns the builder.
/// </summary>
public static partial class ConvolutionalLayerExtensions
{
    /// <summary>Appends a <see cref="Layers.Conv1D"/> layer: (C, L) → (filters, L').</summary>
    public static Sequential Conv1D(this Sequential model, int filters, SpatialSize kernelSize, SpatialSize strides = default, Padding padding = default,
        SpatialSize dilation = default, int groups = 1, bool useBias = true, Activation activation = Activation.Linear, string? name = null)
        => model.Add(new Conv1D(filters, kernelSize, strides, padding, dilation, groups, useBias, activation, name));

    /// <summary>Appends a <see cref="Layers.Conv3D"/> layer: (C, D, H, W) → (filters, D', H', W').</summary>
    public static Sequential Conv3D(this Sequential model, int filters, SpatialSize kernelSize, SpatialSize strides = default, Padding padding = default,
        SpatialSize dilation = default, int groups = 1, bool useBias = true, Activation activation = Activation.Linear, string? name = null)
        => model.Add(new Conv3D(filters, kernelSize, strides, padding, dilation, groups, useBias, activation, name));

    /// <summary>Appends a <see cref="Layers.DepthwiseConv2D"/> layer: (C, H, W) → (C·depthMultiplier, H', W').</summary>
    public static Sequential DepthwiseConv2D(this Sequential model, SpatialSize kernelSize, SpatialSize strides = default, Padding padding = default,
        int depthMultiplier = 1, SpatialSize dilation = default, bool useBias = true, Activation activation = Activation.Linear, string? name = null)
        => model.Add(new DepthwiseConv2D(kernelSize, strides, padding, depthMultiplier, dilation, useBias, activation, name));

    /// <summary>Appends a <see cref="Layers.SeparableConv2D"/> layer: (C, H, W) → (filters, H', W').</summary>
    public static Sequential SeparableConv2D(this Sequential model, int filters, SpatialSize kernelSize, SpatialSize strides = default, Padding padding = default,
        int depthMultiplier = 1, SpatialSize dilation = default, bool useBias = true, Activation activation = Activation.Linear, string? name = null)
        => model.Add(new SeparableConv2D(filters, kernelSize, strides, padding, depthMultiplier, dilation, useBias, activation, name));

    /// <summary>Appends a <see cref="Layers.Conv1DTranspose"/> layer: (C, L) → (filters, (L − 1)s − 2p + d(k − 1) + output_padding + 1).</summary>
    public static Sequential Conv1DTranspose(this Sequential model, int filters, SpatialSize kernelSize, SpatialSize strides = default, Padding padding = default,
        SpatialSize outputPadding = default, SpatialSize dilation = default, int groups = 1, bool useBias = true, Activation activation = Activation.Linear, string? name = null)
        => model.Add(new Conv1DTranspose(filters, kernelSize, strides, padding, outputPadding, dilation, groups, useBias, activation, name));

    /// <summary>Appends a <see cref="Layers.Conv2DTranspose"/> layer: (C, H, W) → (filters, H', W'), each (n − 1)s − 2p + d(k − 1) + output_padding + 1.</summary>
    public static Sequential Conv2DTranspose(this Sequential model, int filters, SpatialSize kernelSize, SpatialSize strides = default, Padding padding = default,
        SpatialSize outputPadding = default, SpatialSize dilation = default, int groups = 1, bool useBias = true, Activation activation = Activation.Linear, string? name = null)
        => model.Add(new Conv2DTranspose(filters, kernelSize, strides, padding, outputPadding, dilation, groups, useBias, activation, name));

    /// <summary>Appends a <see cref="Layers.Conv3DTranspose"/> layer: (C, D, H, W) → (filters, D', H', W').</summary>
    public static Sequential Conv3DTranspose(this Sequential model, int filters, SpatialSize kernelSize, SpatialSize strides = default, Padding padding = default,
        SpatialSize outputPadding = default, SpatialSize dilation = default, int groups = 1, bool useBias = true, Activation activation = Activation.Linear, string? name = null)
        => model.Add(new Conv3DTranspose(filters, kernelSize, strides, padding, outputPadding, dilation, groups, useBias, activation, name));
}
