using System.Globalization;
using Setting = Kernelwise.Data.ImageFolderOptions.Setting;

namespace Kernelwise.Data;

/// <summary>Keras's <c>keras.utils.image_dataset_from_directory</c> for Kernelwise.</summary>
public static class ImageDataset
{
    /// <summary>
    /// Reads a folder of images, one subfolder per class, resized to one size — Keras's
    /// <c>image_dataset_from_directory</c> — optionally split into training and validation parts.
    /// </summary>
    /// <remarks>
    /// Each setting has one value: give it as an argument (Keras's way) or in <paramref name="options"/>. A setting
    /// given both ways must agree — an argument that contradicts a member <paramref name="options"/> sets throws an
    /// <see cref="ArgumentException"/> naming both, instead of one silently winning. A setting given neither way takes
    /// the default below.
    /// </remarks>
    /// <param name="directory">The folder holding one subfolder per class.</param>
    /// <param name="imageSize">(height, width) every image is resized to; (256, 256) when not given, as Keras.</param>
    /// <param name="colorMode">Channels: grayscale (1), RGB (3, the default) or RGBA (4).</param>
    /// <param name="validationSplit">Fraction of the images held out for validation, in [0, 1).</param>
    /// <param name="seed">
    /// Seed of the split: the files are shuffled with it and the last <c>floor(validationSplit · N)</c> go to validation,
    /// so the same seed gives the same split in every run. A random seed is drawn when null.
    /// </param>
    /// <param name="classNames">Explicit class names in label order; they must match the subfolder names.</param>
    /// <param name="interpolation">Resize filter; bilinear by default.</param>
    /// <param name="cropToAspectRatio">Crop the centre to the target aspect ratio before resizing, instead of stretching (false by default).</param>
    /// <param name="onBadFile">Fail at the first bad file (the default), or skip and report bad files.</param>
    /// <param name="transform">
    /// Transforms applied to the training images after the resize (augmentation); the validation part gets none — give
    /// it its own with <see cref="ImageFolder.WithTransform"/> (for example the normalisation alone).
    /// </param>
    /// <param name="options">
    /// The same settings as an object, and the further ones (pixel and file-size limits, header validation, loader
    /// defaults). Its <see cref="ImageFolderOptions.Transform"/> is the training transform.
    /// </param>
    /// <exception cref="ArgumentException">An argument and a member of <paramref name="options"/> disagree.</exception>
    public static ImageDatasetSplits FromDirectory(string directory, (int Height, int Width)? imageSize = null, ColorMode? colorMode = null,
        double validationSplit = 0, int? seed = null, IReadOnlyList<string>? classNames = null, Interpolation? interpolation = null,
        bool? cropToAspectRatio = null, BadFilePolicy? onBadFile = null, TransformPipeline? transform = null, ImageFolderOptions? options = null)
    {
        Guard.NotEmpty(directory);
        Guard.InRange(validationSplit, 0, 1, maxInclusive: false);
        var given = options ?? new ImageFolderOptions();
        var folder = new ImageFolder(directory, new ImageFolderOptions
        {
            ColorMode = One(nameof(colorMode), colorMode.HasValue, colorMode.GetValueOrDefault(), given, Setting.ColorMode, o => o.ColorMode, ColorMode.Rgb),
            ImageSize = One(nameof(imageSize), imageSize.HasValue, imageSize, given, Setting.ImageSize, o => o.ImageSize, (256, 256), Size),
            Interpolation = One(nameof(interpolation), interpolation.HasValue, interpolation.GetValueOrDefault(), given, Setting.Interpolation, o => o.Interpolation, Interpolation.Bilinear),
            CropToAspectRatio = One(nameof(cropToAspectRatio), cropToAspectRatio.HasValue, cropToAspectRatio.GetValueOrDefault(), given, Setting.CropToAspectRatio, o => o.CropToAspectRatio, false),
            ClassNames = One(nameof(classNames), classNames is not null, classNames, given, Setting.ClassNames, o => o.ClassNames, null, Names, SameNames),
            OnBadFile = One(nameof(onBadFile), onBadFile.HasValue, onBadFile.GetValueOrDefault(), given, Setting.OnBadFile, o => o.OnBadFile, BadFilePolicy.FailFast),
            ValidateFiles = given.ValidateFiles,
            MaxPixels = given.MaxPixels,
            MaxFileBytes = given.MaxFileBytes,
            LoaderOptions = given.LoaderOptions,
        });
        var trainTransform = One(nameof(transform), transform is not null, transform, given, Setting.Transform, o => o.Transform, null,
            t => t?.ToString() ?? "null", SamePipeline) ?? new TransformPipeline();
        if (validationSplit == 0) return new ImageDatasetSplits(folder.WithTransform(trainTransform), null, folder.ClassNames, folder.SkippedFiles);

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
        return new ImageDatasetSplits(folder.Subset(train).WithTransform(trainTransform), folder.Subset(validation), folder.ClassNames, folder.SkippedFiles);
    }

    /// <summary>
    /// The one value of a setting: the argument when <paramref name="given"/>, the member of <paramref name="options"/>
    /// when it was set there, <paramref name="fallback"/> when neither; an error naming both when they disagree.
    /// </summary>
    private static T One<T>(string argument, bool given, T value, ImageFolderOptions options, Setting setting, Func<ImageFolderOptions, T> member, T fallback,
        Func<T, string>? format = null, Func<T, T, bool>? same = null)
    {
        if (!options.IsSet(setting)) return given ? value : fallback;
        var fromOptions = member(options);
        if (!given) return fromOptions;
        same ??= EqualityComparer<T>.Default.Equals;
        if (same(value, fromOptions)) return value;
        format ??= v => Convert.ToString(v, CultureInfo.InvariantCulture) ?? "null";
        string name = char.ToUpperInvariant(argument[0]) + argument[1..];
        throw new ArgumentException(
            $"Conflicting values for {argument}: the argument {argument}={format(value)} and options.{name}={format(fromOptions)} disagree. Give each setting once, as an argument or in options.",
            argument);
    }

    private static bool SamePipeline(TransformPipeline? a, TransformPipeline? b)
        => ReferenceEquals(a, b) || (a is not null && b is not null && a.Steps.SequenceEqual(b.Steps));

    private static string Size((int Height, int Width)? size) => size is { } s ? $"({s.Height}, {s.Width})" : "null";

    private static string Names(IReadOnlyList<string>? names) => names is null ? "null" : "[" + string.Join(", ", names) + "]";

    private static bool SameNames(IReadOnlyList<string>? a, IReadOnlyList<string>? b) => a is null ? b is null : b is not null && a.SequenceEqual(b, StringComparer.Ordinal);
}
