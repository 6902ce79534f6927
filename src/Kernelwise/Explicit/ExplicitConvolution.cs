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
    /// ∂L/∂X of a 2D convolution computed the second textbook way: the <em>full</em> convolution of the output gradient
    /// with the kernel rotated by 180°, its input and output channels swapped. The explicit convolution's own backward
    /// pass computes the same gradient as col2im(Wᵀ·∂L/∂Y); this function exists to show and check that the two forms
    /// agree (docs/explicit-conv.md, "Input, second form").
    /// </summary>
    /// <remarks>
    /// <para>With stride 1, ∂L/∂X̃[n, c, h, w] = Σ_{f,i,j} Γ[n, f, h − i, w − j]·W[f, c, i, j]; substituting i' = k_h − 1 − i
    /// turns it into a cross-correlation of Γ, padded with k − 1 zeros on every side, with rot180(W). A stride s first
    /// spreads Γ onto the grid the windows started from (s − 1 zeros between neighbours); a dilation d spaces the
    /// rotated taps (padding d(k − 1)); groups stay separate. Rows and columns of the padded input that no window
    /// reached get 0, and the padding is cropped off at the end.</para>
    /// <para>The convolution itself is <see cref="Conv2D(Tensor, Tensor, Tensor?, long[], long[], long[], long)"/>, so
    /// the result is differentiable like any other. Returns a fresh [N, C, H, W] tensor owned by the caller's scope.</para>
    /// </remarks>
    /// <param name="outputGradient">Γ = ∂L/∂Y, [N, F, OH, OW].</param>
    /// <param name="weight">The convolution's weight, [F, C/groups, kh, kw].</param>
    /// <param name="inputHeight">H of the convolution's input.</param>
    /// <param name="inputWidth">W of the convolution's input.</param>
    /// <param name="stride">The convolution's stride (both dimensions).</param>
    /// <param name="padding">The convolution's zero padding on each side (both dimensions).</param>
    /// <param name="dilation">The convolution's dilation (both dimensions).</param>
    /// <param name="groups">The convolution's channel groups.</param>
    public static Tensor InputGradientByFullConvolution(Tensor outputGradient, Tensor weight, long inputHeight, long inputWidth,
        long stride = 1, long padding = 0, long dilation = 1, long groups = 1)
    {
        const string Where = "ExplicitConvolution.InputGradientByFullConvolution";
        ArgumentNullException.ThrowIfNull(outputGradient);
        ArgumentNullException.ThrowIfNull(weight);
        if (outputGradient.dim() != 4 || weight.dim() != 4)
            throw new ArgumentException($"Invalid value for argument {(outputGradient.dim() != 4 ? "outputGradient" : "weight")} of {Where}. Expected 4 dimensions. Received outputGradient of shape [{string.Join(", ", outputGradient.shape)}] and weight of shape [{string.Join(", ", weight.shape)}].");
        if (stride < 1 || dilation < 1 || padding < 0 || groups < 1)
            throw new ArgumentOutOfRangeException(nameof(stride), $"Invalid hyper-parameters for {Where}. Expected stride ≥ 1, dilation ≥ 1, padding ≥ 0, groups ≥ 1. Received stride={stride}, dilation={dilation}, padding={padding}, groups={groups}.");
        long n = outputGradient.shape[0], f = weight.shape[0], channelsPerGroup = weight.shape[1], kh = weight.shape[2], kw = weight.shape[3];
        long c = channelsPerGroup * groups;
        long oh = (inputHeight + 2 * padding - dilation * (kh - 1) - 1) / stride + 1;
        long ow = (inputWidth + 2 * padding - dilation * (kw - 1) - 1) / stride + 1;
        if (f % groups != 0 || outputGradient.shape[1] != f || outputGradient.shape[2] != oh || outputGradient.shape[3] != ow)
        {
            throw new ArgumentException(
                $"Invalid value for argument outputGradient of {Where}. Expected [N, {f}, {oh}, {ow}] (the output of a {inputHeight}×{inputWidth} input with weight [{string.Join(", ", weight.shape)}], stride {stride}, padding {padding}, dilation {dilation}, groups {groups}). Received [{string.Join(", ", outputGradient.shape)}].",
                nameof(outputGradient));
        }
        using var scope = NewDisposeScope();
        // 1. Stride: Γ back on the grid of window origins, s − 1 zeros between neighbours.
        var spread = outputGradient;
        if (stride > 1)
        {
            spread = zeros(new[] { n, f, (oh - 1) * stride + 1, (ow - 1) * stride + 1 }, dtype: outputGradient.dtype, device: outputGradient.device);
            spread.slice(2, 0, spread.shape[2], stride).slice(3, 0, spread.shape[3], stride).copy_(outputGradient);
        }
        // 2. The kernel rotated by 180°, input and output channels swapped within each group: [C, F/G, kh, kw].
        var rotated = weight.flip(2, 3).reshape(groups, f / groups, channelsPerGroup, kh, kw).transpose(1, 2).reshape(c, f / groups, kh, kw);
        // 3. The full convolution: pad by the dilated kernel's span minus one, so every tap meets every position.
        var full = Conv2D(spread, rotated, null, new[] { 1L }, new[] { dilation * (kh - 1), dilation * (kw - 1) }, new[] { dilation }, groups);
        // 4. Pixels of the padded input that no window reached (past the last stride step) get 0; crop the padding.
        var padded = zeros(new[] { n, c, inputHeight + 2 * padding, inputWidth + 2 * padding }, dtype: full.dtype, device: full.device);
        padded.narrow(2, 0, full.shape[2]).narrow(3, 0, full.shape[3]).copy_(full);
        return padded.narrow(2, padding, inputHeight).narrow(3, padding, inputWidth).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Frees the scratch buffers the calling thread keeps for explicit convolutions (they are otherwise kept for reuse,
    /// sized by the largest chunk seen, until the thread ends).
    /// </summary>
    public static void ReleaseWorkspaces() => ConvolutionWorkspace.ReleaseCurrentThread();

    /// <summary>Bytes of scratch buffers the calling thread currently keeps for explicit convolutions.</summary>
    public static long WorkspaceBytes => ConvolutionWorkspace.BytesHeldByCurrentThread();
}
