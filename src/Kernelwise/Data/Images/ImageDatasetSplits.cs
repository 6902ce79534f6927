namespace Kernelwise.Data;

/// <summary>
/// What <see cref="ImageDataset.FromDirectory"/> returns: the training part, the validation part (null without a
/// validation split), the class names and the files left out. Deconstructs Keras-style:
/// <c>var (train, validation) = ImageDataset.FromDirectory("data", validationSplit: 0.2, seed: 1);</c>
/// </summary>
/// <param name="Train">The training images.</param>
/// <param name="Validation">The validation images, or null when <c>validationSplit</c> is 0.</param>
/// <param name="ClassNames">Class names in label order.</param>
/// <param name="SkippedFiles">Files left out under <see cref="BadFilePolicy.Skip"/>, with reasons (found when the folder was scanned).</param>
public sealed record ImageDatasetSplits(ImageFolder Train, ImageFolder? Validation, IReadOnlyList<string> ClassNames, IReadOnlyList<SkippedFile> SkippedFiles)
{
    /// <summary>Deconstructs into (train, validation).</summary>
    public void Deconstruct(out ImageFolder train, out ImageFolder? validation)
    {
        train = Train;
        validation = Validation;
    }
}
