namespace Kernelwise.Data;

/// <summary>
/// One step of a <see cref="TransformPipeline"/>, as in torchvision: an <see cref="ImageTransform"/> works on the decoded
/// image (resize, crop, flip, rotate, colour), <see cref="Kernelwise.Data.ToTensor"/> turns it into a float32 [C, H, W]
/// tensor in [0, 1], and a <see cref="TensorTransform"/> works on that tensor (normalize).
/// </summary>
/// <remarks>
/// Transforms are immutable and thread-safe: worker threads apply the same instance to different samples at once. A
/// random transform draws only from the <see cref="TransformRandom"/> it is given, never from shared state, which
/// makes augmentation reproducible under a seed whatever the number of workers.
/// </remarks>
public abstract class Transform
{
    private protected Transform()
    {
    }

    /// <summary>Whether the step draws random numbers (and so differs between epochs).</summary>
    public virtual bool IsRandom => false;

    /// <summary>The step with its arguments, torchvision-style, e.g. <c>RandomCrop(size=(32, 32), padding=4)</c>.</summary>
    public abstract override string ToString();
}
