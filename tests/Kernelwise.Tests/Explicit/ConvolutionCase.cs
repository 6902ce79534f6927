using Kernelwise.Explicit;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Explicit;

/// <summary>One random convolution configuration with its tensors, for comparing the explicit convolution with libtorch's.</summary>
internal sealed record ConvolutionCase(int Batch, int Channels, int Filters, int Groups, int Height, int Width, int KernelHeight, int KernelWidth,
    long[] Stride, long[] Padding, long[] Dilation, bool Bias, bool InputRequiresGrad)
{
    public override string ToString()
        => $"N={Batch} C={Channels} F={Filters} groups={Groups} {Height}×{Width} kernel {KernelHeight}×{KernelWidth} stride ({Stride[0]}, {Stride[1]}) "
         + $"padding ({Padding[0]}, {Padding[1]}) dilation ({Dilation[0]}, {Dilation[1]}) bias={Bias} inputGrad={InputRequiresGrad}";

    /// <summary>A valid configuration (the dilated kernel fits the padded input), small enough to run hundreds per second.</summary>
    public static ConvolutionCase Random(Random rng)
    {
        while (true)
        {
            int groups = rng.Next(1, 4);
            var c = new ConvolutionCase(
                Batch: rng.Next(1, 5),
                Channels: groups * rng.Next(1, 4),
                Filters: groups * rng.Next(1, 4),
                Groups: groups,
                Height: rng.Next(1, 10),
                Width: rng.Next(1, 10),
                KernelHeight: rng.Next(1, 5),
                KernelWidth: rng.Next(1, 5),
                Stride: new long[] { rng.Next(1, 4), rng.Next(1, 4) },
                Padding: new long[] { rng.Next(0, 3), rng.Next(0, 3) },
                Dilation: new long[] { rng.Next(1, 4), rng.Next(1, 4) },
                Bias: rng.Next(4) > 0,
                InputRequiresGrad: rng.Next(8) > 0);
            if (c.Dilation[0] * (c.KernelHeight - 1) + 1 <= c.Height + 2 * c.Padding[0]
                && c.Dilation[1] * (c.KernelWidth - 1) + 1 <= c.Width + 2 * c.Padding[1])
                return c;
        }
    }

    /// <summary>Input, weight and bias drawn from libtorch's generator (seed it first), as leaves.</summary>
    public (Tensor X, Tensor W, Tensor? B) Tensors(ScalarType dtype)
    {
        var x = randn(new long[] { Batch, Channels, Height, Width }, dtype: dtype).requires_grad_(InputRequiresGrad);
        var w = randn(new long[] { Filters, Channels / Groups, KernelHeight, KernelWidth }, dtype: dtype).requires_grad_(true);
        var b = Bias ? randn(new long[] { Filters }, dtype: dtype).requires_grad_(true) : null;
        return (x, w, b);
    }

    public Tensor Native(Tensor x, Tensor w, Tensor? b) => nn.functional.conv2d(x, w, b, Stride, Padding, Dilation, Groups);

    public Tensor Explicit(Tensor x, Tensor w, Tensor? b) => ExplicitConvolution.Conv2D(x, w, b, Stride, Padding, Dilation, Groups);
}
