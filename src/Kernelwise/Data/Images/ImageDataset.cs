
namespace Kernelwise.Data;

/// <summary>Keras's <c>keras.utils.image_dataset_from_directory</c> for Kernelwise.</summary>
public static class ImageDataset
{
    /// <summary>
    /// Reads a folder of images, one subfolder per class, resized to one size — Keras's
    /// <c>image_dataset_from_directory</c> — optionally split into training and validation parts.
    /// </summary>
    /// <param name="directory">The folder holding one subfolder per class.</param>
    /// <param name="imageSize">(height, width) every image is resized to; (256, 256) when null, as Keras.</param>
    /// <param name="colorMode">Channels: grayscale (1), RGB (3) or RGBA (4).</param>
    /// <param name="validationSplit">Fraction of the images held out for validation, in [0, 1).</param>
    /// <param name="seed">
    /// Seed of the split: the files are shuffled with it and the last <c>floor(validationSplit · N)</c> go to validation,
    /// so the same seed gives the same split in every run. A random seed is drawn when null.
    /// </param>
    /// <param name="classNames">Explicit class names in label order; they must match the subfolder names.</param>
    /// <param name="interpolation">Resize filter; bilinear by default.</param>
    /// <param name="cropToAspectRatio">Crop the centre to the target aspect ratio before resizing, instead of stretching.</param>
    /// <param name="onBadFile">Fail at the first bad file, or skip and report bad files.</param>
    /// <param name="transform">Transforms applied to the training images after the resize (augmentation); the validation part gets none.</param>
    /// <param name="options">Further options (pixel and file-size limits, header validation, loader defaults); the arguments above override its members.</param>
    public static ImageDatasetSplits FromDirectory(string directory, (int Height, int Width)? imageSize = null, ColorMode colorMode = ColorMode.Rgb,
        double validationSplit = 0, int? seed = null, IReadOnlyList<string>? classNames = null, Interpolation interpolation = Interpolation.Bilinear,
        bool cropToAspectRatio = false, BadFilePolicy onBadFile = BadFilePolicy.FailFast, TransformPipeline? transform = null, ImageFolderOptions? options = null)
    {
        Guard.NotEmpty(directory);
        Guard.InRange(validationSplit, 0, 1, maxInclusive: false);
        var baseOptions = options ?? new ImageFolderOptions();
        var folder = new ImageFolder(directory, new ImageFolderOptions
        {
            ColorMode = colorMode,
            ImageSize = imageSize ?? (256, 256),
            Interpolation = interpolation,
            CropToAspectRatio = cropToAspectRatio,
            ClassNames = classNames,
            OnBadFile = onBadFile,
            ValidateFiles = baseOptions.ValidateFiles,
            MaxPixels = baseOptions.MaxPixels,
            MaxFileBytes = baseOptions.MaxFileBytes,
            LoaderOptions = baseOptions.LoaderOptions,
        });
        if (validationSplit == 0) return new ImageDatasetSplits(folder.WithTransform(transform ?? new TransformPipeline()), null, folder.ClassNames, folder.SkippedFiles);

        long n = folder.Count;
        long validationCount = (long)Math.Floor(validationSplit * n);
        if (validationCount < 1 || validationCount >= n)
        {
            throw new ArgumentOutOfRangeException(nameof(validationSplit),
                $"Invalid value for argument validationSplit. Expected a fraction that leaves at least one image in each part of the {n} images found. Received validationSplit={validationSplit}.");
        }
        var order = SeededShuffle.Permutation(n, seed ?? Random.Shared.Next());
        var train = order.Take((int)(n - validationCount)).Order();
        var validation = order.Skip((int)(n - validationCount)).Order();
        return new ImageDatasetSplits(folder.Subset(train).WithTransform(transform ?? new TransformPipeline()), folder.Subset(validation), folder.ClassNames, folder.SkippedFiles);
    }
}
