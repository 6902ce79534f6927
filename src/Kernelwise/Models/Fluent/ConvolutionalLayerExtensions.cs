using Kernelwise.Layers;

namespace Kernelwise.Models;

/// <summary>Fluent builder methods for convolution layers. Each returns the builder.</summary>
public static partial class ConvolutionalLayerExtensions
{
    /// <summary>
    /// Appends a <see cref="Layers.Conv2D"/> layer; <paramref name="implementation"/> chooses libtorch's
    /// kernels (default) or the explicit, hand-derived convolution.
    /// </summary>
    public static Sequential Conv2D(this Sequential model, int filters, SpatialSize kernelSize, SpatialSize strides = default, Padding padding = default,
        SpatialSize dilation = default, int groups = 1, bool useBias = true, Activation activation = Activation.Linear, string? name = null,
        ConvolutionImplementation implementation = ConvolutionImplementation.Native)
        => model.Add(new Conv2D(filters, kernelSize, strides, padding, dilation, groups, useBias, activation, name, implementation));
}
