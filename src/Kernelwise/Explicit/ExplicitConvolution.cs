using static TorchSharp.torch;

namespace Kernelwise.Explicit;

/// <summary>
/// The explicit (hand-derived) 2D convolution: the same result as libtorch's <c>conv2d</c> (PyTorch's
/// <c>torch.nn.functional.conv2d</c>), computed as im2col and a matrix product per group, with a backward pass written
/// out from the derivation instead of taken from libtorch. See docs/explicit-conv.md for the mathematics.
/// </summary>
/// <remarks>
/// <para>Layout is NCHW: input [N, C, H, W], weight [F, C/groups, kh, kw], bias [F], output [N, F, OH, OW] with
/// OH = ⌊(H + 2p_h − d_h(kh − 1) − 1)/s_h⌋ + 1 and likewise OW. Padding is symmetric zero padding; apply
/// asymmetric padding ("same" with an even kernel) with <c>nn.functional.pad</c> first, as the Conv2D layer does.</para>
/// <para>float32 and float64 (any floating type libtorch can multiply), CPU or CUDA: the code is device-agnostic
/// tensor code. Gradients flow to every input that requires them; the function's backward pass is not itself
/// differentiable (no second derivatives).</para>
/// <para>Ownership: the result is a fresh tensor owned by the caller's dispose scope; inputs are never disposed. Scratch
/// buffers are reused per thread (see <see cref="ReleaseWorkspaces"/>).</para>
/// <para>In a model: <c>.Conv2D(64, 5, implementation: ConvolutionImplementation.Explicit)</c>.</para>
/// </remarks>
public static class ExplicitConvolution
{
    /// <summary>
    /// 2D convolution of <paramref name="input"/> [N, C, H, W] with <paramref name="weight"/> [F, C/groups, kh, kw],
    /// plus <paramref name="bias"/> [F] when given. Returns [N, F, OH, OW].
    /// </summary>
    /// <param name="input">Images, NCHW.</param>
    /// <param name="weight">Filters, [F, C/groups, kh, kw] (PyTorch's layout).</param>
    /// <param name="bias">One value per filter, or null.</param>
    /// <param name="stride">Step between windows: one value for both dimensions or (height, width); null or empty for 1.</param>
    /// <param name="padding">Zero padding on each side: one value or (height, width); null or empty for 0.</param>
    /// <param name="dilation">Spacing between kernel taps: one value or (height, width); null or empty for 1.</param>
    /// <param name="groups">Channel groups: input and output channels split into this many independent convolutions.</param>
    public static Tensor Conv2D(Tensor input, Tensor weight, Tensor? bias, long[]? stride, long[]? padding, long[]? dilation, long groups)
    {
        var geometry = Conv2DGeometry.Create(input, weight, bias, stride ?? Array.Empty<long>(), padding ?? Array.Empty<long>(),
            dilation ?? Array.Empty<long>(), groups);
        // The autograd wrapper creates helper tensors of its own; keep only the output.
        using var scope = NewDisposeScope();
        var output = Conv2DFunction.apply(input, weight, bias!, geometry);
        return output.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// 2D convolution with the same stride, padding and dilation in both dimensions; see
    /// <see cref="Conv2D(Tensor, Tensor, Tensor?, long[], long[], long[], long)"/>.
    /// </summary>
    public static Tensor Conv2D(Tensor input, Tensor weight, Tensor? bias = null, long stride = 1, long padding = 0, long dilation = 1, long groups = 1)
        => Conv2D(input, weight, bias, new[] { stride }, new[] { padding }, new[] { dilation }, groups);

    /// <summary>
    /// Frees the scratch buffers the calling thread keeps for explicit convolutions (they are otherwise kept for reuse,
    /// sized by the largest chunk seen, until the thread ends).
    /// </summary>
    public static void ReleaseWorkspaces() => ConvolutionWorkspace.ReleaseCurrentThread();

    /// <summary>Bytes of scratch buffers the calling thread currently keeps for explicit convolutions.</summary>
    public static long WorkspaceBytes => ConvolutionWorkspace.BytesHeldByCurrentThread();
}
