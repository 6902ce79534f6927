namespace Kernelwise.Shapes;

/// <summary>A sliding window along each spatial dimension (kernel, stride, dilation), for receptive-field arithmetic.</summary>
/// <param name="Kernel">Window size per spatial dimension.</param>
/// <param name="Stride">Step per spatial dimension.</param>
/// <param name="Dilation">Dilation per spatial dimension.</param>
/// <param name="PaddingBefore">Padding before the first element, per spatial dimension (shifts the window's start).</param>
/// <remarks>
/// A layer whose outputs do not sit on a regular grid of integer steps over its input — upsampling, a transposed
/// convolution with stride above 1, adaptive pooling whose output size does not divide the input, a reshape — returns
/// <see cref="Irregular"/>: neighbouring outputs are a fraction of an input pixel apart (or not neighbours at all), so
/// the integer receptive field and jump of the summary are not defined from that layer on and show as "-".
/// </remarks>
public sealed record SpatialWindow(int[] Kernel, int[] Stride, int[] Dilation, int[] PaddingBefore)
{
    /// <summary>True for a layer that breaks the regular input-to-output grid (see the remarks).</summary>
    public bool IsIrregular { get; init; }

    /// <summary>A window that ends receptive-field arithmetic (upsampling, strided transposed convolution, reshape).</summary>
    public static SpatialWindow Irregular(int rank)
    {
        var ones = Enumerable.Repeat(1, rank).ToArray();
        return new SpatialWindow(ones, ones, ones, new int[rank]) { IsIrregular = true };
    }
}
