using SixLabors.ImageSharp;

namespace Kernelwise.Data;

/// <summary>
/// A step that works on the decoded image, before <see cref="ToTensor"/> (torchvision's PIL-image transforms). Images
/// are ImageSharp images with <c>L8</c> (grayscale), <c>Rgb24</c> or <c>Rgba32</c> pixels; pixel values stay in
/// [0, 255].
/// </summary>
/// <remarks>Subclass it for a custom augmentation; the contract is in <see cref="Apply"/>.</remarks>
public abstract class ImageTransform : Transform
{
    /// <summary>
    /// Applies the step. It may change <paramref name="image"/> in place and return it, or return a new image (when the
    /// size or pixel format changes); the pipeline then disposes <paramref name="image"/>. It must not keep a reference
    /// to either image.
    /// </summary>
    /// <param name="image">The image; owned by the pipeline.</param>
    /// <param name="random">This step's random numbers for this sample.</param>
    public abstract Image Apply(Image image, TransformRandom random);
}
