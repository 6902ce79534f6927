namespace Kernelwise.Layers;

/// <summary>
/// Mean over length: (C, L) → (C) — Keras's <c>GlobalAveragePooling1D</c>, PyTorch's <c>nn.AdaptiveAvgPool1d(1)</c> followed by a
/// flatten; the head of 1D CNNs for sequences. No parameters.
/// </summary>
public sealed class GlobalAveragePooling1D : BaseGlobalPooling
{
    /// <summary>Creates the layer.</summary>
    /// <param name="keepDims">Keep the spatial dimensions as size 1.</param>
    /// <param name="name">Layer name; generated when null.</param>
    public GlobalAveragePooling1D(bool keepDims = false, string? name = null) : base(1, PoolingKind.Average, keepDims, name)
    {
    }
}
