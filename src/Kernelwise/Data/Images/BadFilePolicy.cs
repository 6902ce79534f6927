namespace Kernelwise.Data;

/// <summary>What an image dataset does with a file it cannot use (empty, truncated, corrupt, not an image, unsupported, too large).</summary>
public enum BadFilePolicy
{
    /// <summary>Throw an <see cref="ImageFileException"/> naming the file and the reason at the first bad file (the default, as Keras and torchvision).</summary>
    FailFast,

    /// <summary>
    /// Leave the file out and record it, with the reason, in the dataset's <c>SkippedFiles</c>. Files found bad while
    /// training are dropped from their batch (which is then smaller) and not read again.
    /// </summary>
    Skip,
}
