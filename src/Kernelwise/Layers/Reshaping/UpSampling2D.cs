using Kernelwise.Shapes;
using Kernelwise.Modules;
using static TorchSharp.torch;

namespace Kernelwise.Layers;

/// <summary>
/// Enlarges each feature map by integer factors, without parameters — Keras's <c>UpSampling2D</c>, PyTorch's
/// <c>nn.Upsample(scale_factor, mode)</c>. Input (C, H, W), output (C, H·s_h, W·s_w). The fixed counterpart of a
/// strided <see cref="Conv2DTranspose"/>; often followed by a convolution in decoders.
/// </summary>
/// <remarks>
/// The summary shows no receptive field ("-") from this layer on when a factor is above 1: neighbouring outputs sit
/// 1/s of an input pixel apart, which the integer receptive-field arithmetic cannot express.
/// </remarks>
public sealed class UpSampling2D : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="size">Factor for height and width (default 2), or (height, width) factors.</param>
    /// <param name="interpolation">Nearest neighbour (default) or bilinear.</param>
    /// <param name="name">Layer name; generated when null.</param>
    public UpSampling2D(SpatialSize size = default, UpSamplingInterpolation interpolation = UpSamplingInterpolation.Nearest, string? name = null) : base(name)
    {
        Size = (size.IsEmpty ? (SpatialSize)2 : size).Expand(2, "size", nameof(UpSampling2D));
        if (!Enum.IsDefined(interpolation))
            throw new ArgumentOutOfRangeException(nameof(interpolation), $"Invalid value for argument interpolation of UpSampling2D. Expected Nearest or Bilinear. Received interpolation={interpolation}.");
        Interpolation = interpolation;
    }

    /// <summary>Factors for height and width.</summary>
    public int[] Size { get; }

    /// <summary>How new positions are filled.</summary>
    public UpSamplingInterpolation Interpolation { get; }

    /// <inheritdoc />
    public override Shape ComputeOutputShape(Shape input)
    {
        ArgumentNullException.ThrowIfNull(input);
        RequireRank(input, 3, "channels, height, width");
        long h = (long)input[1] * Size[0], w = (long)input[2] * Size[1];
        if (h > int.MaxValue || w > int.MaxValue) throw BuildError(input, $"the output size {h}×{w} exceeds {int.MaxValue}.");
        return new Shape(input.Channels, (int)h, (int)w);
    }

    /// <inheritdoc />
    public override SpatialWindow? GetSpatialWindow(Shape input) => Size.All(s => s == 1) ? null : SpatialWindow.Irregular(2);

    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> CreateModule(Shape input)
    {
        ArgumentNullException.ThrowIfNull(input);
        long[] size = { (long)input[1] * Size[0], (long)input[2] * Size[1] };
        return Interpolation == UpSamplingInterpolation.Nearest
            ? new FunctionModule(Name, x => nn.functional.interpolate(x, size, mode: InterpolationMode.Nearest))
            : new FunctionModule(Name, x => nn.functional.interpolate(x, size, mode: InterpolationMode.Bilinear, align_corners: false));
    }
}
