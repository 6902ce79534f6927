namespace Kernelwise.Layers;

/// <summary>
/// Maximum over length: (C, L) → (C) — Keras's <c>GlobalMaxPooling1D</c>, PyTorch's <c>nn.AdaptiveMaxPool1d(1)</c> followed by a
/// flatten; the head of 1D CNNs for sequences. No parameters.
/// </summary>
public sealed class GlobalMaxPooling1D : BaseGlobalPooling
{
    /// <summary>Creates the layer.</summary>
    /// <param name="keepDims">Keep the spatial dimensions as size 1.</param>
    /// <param name="name">Layer name; generated when null.</param>
    public GlobalMaxPooling1D(bool keepDims = false, string? name = null) : base(1, PoolingKind.Max, keepDims, name)
    {
    }
}
