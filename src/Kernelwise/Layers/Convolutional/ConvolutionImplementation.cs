namespace Kernelwise.Layers;

/// <summary>Which code computes a convolution layer.</summary>
public enum ConvolutionImplementation
{
    /// <summary>libtorch's convolution kernels (oneDNN on the CPU, cuDNN on CUDA) and their built-in gradients.</summary>
    Native,

    /// <summary>
    /// Kernelwise's hand-derived convolution (<see cref="Explicit.ExplicitConvolution"/>): im2col and matrix products
    /// forward, the textbook gradients backward. Same results within floating-point rounding; slower.
    /// </summary>
    Explicit,
}
