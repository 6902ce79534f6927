namespace Kernelwise.Layers;

/// <summary>
/// Mean over depth, height and width: (C, D, H, W) → (C) — Keras's <c>GlobalAveragePooling3D</c>, PyTorch's <c>nn.AdaptiveAvgPool3d(1)</c> followed by a
/// flatten; the head of 3D CNNs for volumes and video. No parameters.
/// </summary>
public sealed class GlobalAveragePooling3D : BaseGlobalPooling
{
    /// <summary>Creates the layer.</summary>
    /// <param name="keepDims">Keep the spatial dimensions as size 1.</param>
    /// <param name="name">Layer name; generated when null.</param>
    public GlobalAveragePooling3D(bool keepDims = false, string? name = null) : base(3, PoolingKind.Average, keepDims, name)
    {
    }
}
