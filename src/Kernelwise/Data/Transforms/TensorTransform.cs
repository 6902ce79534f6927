namespace Kernelwise.Data;

/// <summary>
/// A step that works on the sample's float32 values after <see cref="ToTensor"/> (torchvision's tensor transforms, e.g.
/// <see cref="Normalize"/>). It changes the values in place and keeps the shape.
/// </summary>
/// <remarks>
/// The values are handed over as a span of one sample in [C, H, W] order, written straight into the batch's memory,
/// so a tensor step costs no allocation.
/// </remarks>
public abstract class TensorTransform : Transform
{
    /// <summary>Applies the step in place.</summary>
    /// <param name="values">The sample, C·H·W values in channel-major order.</param>
    /// <param name="channels">C.</param>
    /// <param name="height">H.</param>
    /// <param name="width">W.</param>
    /// <param name="random">This step's random numbers for this sample.</param>
    public abstract void Apply(Span<float> values, int channels, int height, int width, TransformRandom random);
}
