namespace Kernelwise.Shapes;

/// <summary>
/// The one place where Kernelwise computes output sizes. Every convolution and pooling layer calls it, at model
/// build time, with plain integers — no tensors.
/// <list type="bullet">
/// <item>Convolution and pooling: ⌊(n + p_before + p_after − d(k − 1) − 1) / s⌋ + 1 (with symmetric padding p: n + 2p).</item>
/// <item>Transposed convolution: (n − 1)s − 2p + d(k − 1) + output_padding + 1.</item>
/// <item>"Same" padding (TensorFlow's rule): output ⌈n / s⌉, total padding max((out − 1)s + d(k − 1) + 1 − n, 0),
/// split with the odd element at the end.</item>
/// </list>
/// </summary>
public static class ConvolutionArithmetic
{
    /// <summary>The span a dilated kernel covers: d(k − 1) + 1.</summary>
    public static int EffectiveKernel(int kernel, int dilation) => dilation * (kernel - 1) + 1;

    /// <summary>
    /// Output length of a convolution or pooling window along one dimension:
    /// ⌊(n + padBefore + padAfter − d(k − 1) − 1) / s⌋ + 1. May be below 1 — callers report that.
    /// </summary>
    public static int OutputSize(int n, int kernel, int stride = 1, int padBefore = 0, int padAfter = 0, int dilation = 1, bool ceilMode = false)
    {
        long span = (long)n + padBefore + padAfter - EffectiveKernel(kernel, dilation);
        long q = ceilMode ? CeilDiv(span, stride) : FloorDiv(span, stride);
        // PyTorch's ceil-mode rule: the last window must start inside the input or its left padding.
        if (ceilMode && span >= 0 && q * stride >= (long)n + padBefore) q--;
        return (int)Math.Clamp(q + 1, int.MinValue, int.MaxValue);
    }

    private static long FloorDiv(long a, long b) => a >= 0 ? a / b : -((-a + b - 1) / b);

    private static long CeilDiv(long a, long b) => -FloorDiv(-a, b);

    /// <summary>Output length of a transposed convolution: (n − 1)s − 2p + d(k − 1) + outputPadding + 1.</summary>
    public static int TransposedOutputSize(int n, int kernel, int stride = 1, int padding = 0, int dilation = 1, int outputPadding = 0)
        => (n - 1) * stride - 2 * padding + dilation * (kernel - 1) + outputPadding + 1;

    /// <summary>
    /// TensorFlow's "same" padding along one dimension: (before, after) such that the output has ⌈n / s⌉ elements.
    /// The odd element goes after (bottom/right).
    /// </summary>
    public static (int Before, int After) SamePadding(int n, int kernel, int stride = 1, int dilation = 1)
    {
        int output = (n + stride - 1) / stride;
        int total = Math.Max((output - 1) * stride + EffectiveKernel(kernel, dilation) - n, 0);
        int before = total / 2;
        return (before, total - before);
    }
}
