namespace Kernelwise.Layers;

/// <summary>
/// Mean over height and width: (C, H, W) → (C) — Keras's <c>GlobalAveragePooling2D</c>, PyTorch's
/// <c>nn.AdaptiveAvgPool2d(1)</c> followed by a flatten; the head of GoogLeNet and ResNet. No parameters.
/// </summary>
public sealed class GlobalAveragePooling2D : BaseGlobalPooling
{
    /// <summary>Creates the layer.</summary>
    /// <param name="keepDims">Keep the spatial dimensions as size 1: (C, 1, 1).</param>
    /// <param name="name">Layer name; generated when null.</param>
    public GlobalAveragePooling2D(bool keepDims = false, string? name = null) : base(2, PoolingKind.Average, keepDims, name)
    {
    }
}
