using System.Globalization;
using Kernelwise.Data.Loading;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Processing;
using static TorchSharp.torch;

namespace Kernelwise.Data;

/// <summary>
/// Images stored one subfolder per class — torchvision's <c>ImageFolder</c> and the layout Keras's
/// <c>image_dataset_from_directory</c> reads:
/// <code>
/// root/
///   cat/  001.jpg  002.png  more/003.jpg
///   dog/  001.jpg  ...
/// </code>
/// Labels are class indices (int64) in the order of <see cref="ClassNames"/>; inputs are float32 [C, H, W] tensors
/// produced by the <see cref="Transform"/> (NCHW batches).
/// </summary>
/// <remarks>
/// <para>
/// Files: JPEG, PNG, BMP, GIF (first frame) and WebP, found recursively in each class folder, in ordinal path order;
/// hidden files are ignored, as are files with non-image extensions (listed in <see cref="IgnoredFiles"/>). Images of
/// other formats (TIFF, HEIC, ...) are bad files. Every image is converted to the <see cref="ImageFolderOptions.ColorMode"/>,
/// so folders mixing grayscale, RGB and RGBA files work.
/// </para>
/// <para>
/// Untrusted input: each file's header is checked when the dataset is created (format, dimensions, pixel limit); at load
/// time the file is read whole, identified again, checked against the pixel limit before decoding (decompression
/// bombs), checked for truncation, then decoded. With <see cref="BadFilePolicy.FailFast"/> the first bad file raises an
/// <see cref="ImageFileException"/> naming it and the reason; with <see cref="BadFilePolicy.Skip"/> it is left out and
/// listed in <see cref="SkippedFiles"/>.
/// </para>
/// <para>
/// <see cref="GetBatch(long[], BatchContext)"/> is thread-safe and decodes its samples on the calling thread; a
/// <see cref="DataLoader"/> with workers builds several batches at once. Random transforms draw from (seed, epoch,
/// sample index), so batches do not depend on the number of workers.
/// </para>
/// </remarks>
public sealed class ImageFolder : Dataset
{
    private readonly ImageFile[] _files;
    private readonly ImageDecoder _decoder;
    private readonly SkipLog _log;
    private readonly TransformPipeline _pipeline;

    /// <summary>Scans <paramref name="root"/> (one subfolder per class) and checks the files' headers.</summary>
    /// <param name="root">The folder holding one subfolder per class.</param>
    /// <param name="options">Colour mode, image size, class names, transforms, bad-file policy, limits; defaults when null.</param>
    /// <exception cref="DirectoryNotFoundException"><paramref name="root"/> does not exist.</exception>
    /// <exception cref="ArgumentException">The folder has no class subfolders, or the class names do not match them.</exception>
    /// <exception cref="ImageFileException">A bad file or an empty class folder, under <see cref="BadFilePolicy.FailFast"/>.</exception>
    /// <exception cref="InvalidDataException">No usable image was found.</exception>
    public ImageFolder(string root, ImageFolderOptions? options = null)
    {
        Guard.NotEmpty(root);
        Options = options ?? new ImageFolderOptions();
        Root = Path.GetFullPath(root);
        _decoder = new ImageDecoder(Options.MaxPixels, Options.MaxFileBytes);
        _log = new SkipLog();
        _pipeline = Options.Transform ?? new TransformPipeline();
        LoaderOptions = Options.LoaderOptions;
        var scan = ImageFolderScanner.Scan(Root, Options, _decoder, _log);
        ClassNames = scan.ClassNames;
        _files = scan.Files;
        IgnoredFiles = scan.Ignored;
    }

    private ImageFolder(ImageFolder source, ImageFile[] files, TransformPipeline pipeline)
    {
        Options = source.Options;
        Root = source.Root;
        ClassNames = source.ClassNames;
        IgnoredFiles = source.IgnoredFiles;
        _decoder = source._decoder;
        _log = source._log;
        _files = files;
        _pipeline = pipeline;
        LoaderOptions = source.LoaderOptions;
    }

    /// <summary>The folder that was scanned (full path).</summary>
    public string Root { get; }

    /// <summary>The options the folder was created with.</summary>
    public ImageFolderOptions Options { get; }

    /// <summary>Class names in label order.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The samples: file and label, in order.</summary>
    public IReadOnlyList<ImageFile> Files => _files;

    /// <summary>The transforms applied to each decoded image.</summary>
    public TransformPipeline Transform => _pipeline;

    /// <summary>
    /// Files and empty class folders left out under <see cref="BadFilePolicy.Skip"/>, with the reason — those found when
    /// the folder was scanned and those found later while loading (shared with the folder's splits and views).
    /// </summary>
    public IReadOnlyList<SkippedFile> SkippedFiles => _log.Snapshot();

    /// <summary>
    /// Raised when a file is skipped (<see cref="BadFilePolicy.Skip"/>) while batches are loaded — a file that passed
    /// the header scan but could not be decoded. Raised on the loading thread; <c>Fit</c> reports it through the
    /// progress output as it happens.
    /// </summary>
    public event Action<SkippedFile>? FileSkipped
    {
        add => _log.Added += value;
        remove => _log.Added -= value;
    }

    /// <summary>Files in the class folders that are not images by their extension (e.g. README.txt); never read.</summary>
    public IReadOnlyList<string> IgnoredFiles { get; }

    /// <inheritdoc />
    public override long Count => _files.Length;

    /// <summary>Number of samples of each class, in label order.</summary>
    public IReadOnlyList<int> ClassCounts
    {
        get
        {
            var counts = new int[ClassNames.Count];
            foreach (var f in _files) counts[f.Label]++;
            return counts;
        }
    }

    /// <summary>
    /// The same files decoded through <paramref name="transform"/> instead of this folder's transform (for example
    /// augmentation for training, none for validation); an empty pipeline yields the decoded images as tensors in
    /// [0, 1]. Shares the files, options and skip log. See <see cref="Dataset.WithTransform"/>.
    /// </summary>
    public override ImageFolder WithTransform(TransformPipeline transform)
    {
        ArgumentNullException.ThrowIfNull(transform);
        return new(this, _files, transform);
    }

    /// <summary>The samples at <paramref name="indices"/>, in that order, as an image folder with the same classes, options and transform.</summary>
    public ImageFolder Subset(IEnumerable<long> indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        return new ImageFolder(this, indices.Select(i => _files[CheckIndex(i)]).ToArray(), _pipeline);
    }

    /// <summary>
    /// Decodes sample <paramref name="index"/> into an image in the dataset's colour mode, resized to
    /// <see cref="ImageFolderOptions.ImageSize"/> when set, before the transforms. The caller owns (disposes) it.
    /// </summary>
    /// <exception cref="ImageFileException">The file cannot be used, whatever the <see cref="BadFilePolicy"/>.</exception>
    public Image LoadImage(long index) => LoadImage(_files[CheckIndex(index)]);

    /// <inheritdoc />
    public override (Tensor Input, Tensor Target) GetExample(long index) => GetExample(index, BatchContext.Default);

    /// <summary>The sample at <paramref name="index"/>: input [C, H, W], target a scalar int64. A bad file throws whatever the policy.</summary>
    public override (Tensor Input, Tensor Target) GetExample(long index, BatchContext context)
    {
        var file = _files[CheckIndex(index)];
        using var collator = new SampleCollator(1, _pipeline, context);
        collator.Add(LoadImage(file), index, file.Label, file.Path);
        using var batch = collator.Build();
        return (batch.Inputs[0].clone(), batch.Targets[0].clone());
    }

    /// <inheritdoc />
    public override Batch GetBatch(long[] indices) => GetBatch(indices, BatchContext.Default);

    /// <summary>
    /// Decodes and transforms the samples at <paramref name="indices"/> into one batch: inputs float32 [N, C, H, W],
    /// targets int64 [N]. Under <see cref="BadFilePolicy.Skip"/>, unreadable files are recorded and left out (the batch
    /// may be smaller, or empty).
    /// </summary>
    public override Batch GetBatch(long[] indices, BatchContext context)
    {
        ArgumentNullException.ThrowIfNull(indices);
        foreach (var i in indices) CheckIndex(i);
        bool skip = Options.OnBadFile == BadFilePolicy.Skip;
        using var collator = new SampleCollator(indices.Length, _pipeline, context);
        foreach (var i in indices)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            var file = _files[i];
            if (skip && _log.Contains(file.Path)) continue;
            Image image;
            try
            {
                image = LoadImage(file);
            }
            catch (ImageFileException e) when (skip)
            {
                _log.Add(file.Path, e.Reason);
                continue;
            }
            collator.Add(image, i, file.Label, file.Path);
        }
        return collator.Build();
    }

    private Image LoadImage(ImageFile file)
    {
        var image = _decoder.Decode(file.Path, Options.ColorMode);
        if (Options.ImageSize is not { } size) return image;
        try
        {
            var source = Options.CropToAspectRatio ? AspectCrop(image.Width, image.Height, size.Width, size.Height) : new Rectangle(0, 0, image.Width, image.Height);
            if (source.Width == size.Width && source.Height == size.Height && source.X == 0 && source.Y == 0) return image;
            image.Mutate(x => x.Resize(size.Width, size.Height, Options.Interpolation.ToResampler(), source, new Rectangle(0, 0, size.Width, size.Height), compand: false));
            return image;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            image.Dispose();
            throw new ImageFileException(file.Path, $"resizing to {size.Height}×{size.Width} failed ({e.Message.TrimEnd('.')})", e);
        }
    }

    /// <summary>The largest centred rectangle of the target aspect ratio (Keras's crop_to_aspect_ratio).</summary>
    internal static Rectangle AspectCrop(int width, int height, int targetWidth, int targetHeight)
    {
        double target = (double)targetWidth / targetHeight;
        int w = width, h = height;
        if ((double)width / height > target) w = Math.Max(1, (int)Math.Round(height * target));
        else h = Math.Max(1, (int)Math.Round(width / target));
        return new Rectangle((width - w) / 2, (height - h) / 2, w, h);
    }

    /// <summary>Keras-style description: <c>ImageFolder '/data/flowers': 3,670 images belonging to 5 classes</c>.</summary>
    public override string ToString()
    {
        int skipped = _log.Snapshot().Count;
        return string.Create(CultureInfo.InvariantCulture,
            $"ImageFolder '{Root}': {Count:N0} images belonging to {ClassNames.Count} classes{(skipped > 0 ? $" ({skipped} skipped)" : "")}");
    }
}
