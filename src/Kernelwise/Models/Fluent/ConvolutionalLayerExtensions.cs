using Kernelwise.Layers;

namespace Kernelwise.Models;

/// <summary>Fluent builder methods for convolution layers. Each returns the builder.</summary>
public static partial class ConvolutionalLayerExtensions
{
    /// <summary>
    /// Appends a <see cref="Layers.Conv2D"/> layer; <paramref name="implementation"/> chooses libtorch's
    /// kernels (default) or the explicit, hand-derived convolution.
    /// </summary>
    public static T Conv2D<T>(this ILayerChain<T> model, int filters, SpatialSize kernelSize, SpatialSize strides = default, Padding padding = default,
        SpatialSize dilation = default, int groups = 1, Activation activation = Activation.Linear, bool useBias = true, string? name = null,
        ConvolutionImplementation implementation = ConvolutionImplementation.Native) where T : ILayerChain<T>
        => model.Then(new Conv2D(filters, kernelSize, strides, padding, dilation, groups, activation, useBias, name, implementation));
}
