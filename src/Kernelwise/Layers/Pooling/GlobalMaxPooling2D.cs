namespace Kernelwise.Layers;

/// <summary>
/// Maximum over height and width: (C, H, W) → (C) — Keras's <c>GlobalMaxPooling2D</c>, PyTorch's <c>nn.AdaptiveMaxPool2d(1)</c> followed by a
/// flatten; a classification head that accepts any image size. No parameters.
/// </summary>
public sealed class GlobalMaxPooling2D : BaseGlobalPooling
{
    /// <summary>Creates the layer.</summary>
    /// <param name="keepDims">Keep the spatial dimensions as size 1.</param>
    /// <param name="name">Layer name; generated when null.</param>
    public GlobalMaxPooling2D(bool keepDims = false, string? name = null) : base(2, PoolingKind.Max, keepDims, name)
    {
    }
}
