
namespace Kernelwise.Data;

/// <summary>How an <see cref="ImageFolder"/> finds, checks, decodes and transforms its images. Every member has a default.</summary>
public sealed class ImageFolderOptions
{
    private readonly long _maxPixels = DefaultMaxPixels;
    private readonly long _maxFileBytes = 256L << 20;
    private readonly (int Height, int Width)? _imageSize;
    private readonly ColorMode _colorMode = ColorMode.Rgb;
    private readonly Interpolation _interpolation = Interpolation.Bilinear;
    private readonly bool _cropToAspectRatio;
    private readonly IReadOnlyList<string>? _classNames;
    private readonly TransformPipeline? _transform;
    private readonly BadFilePolicy _onBadFile = BadFilePolicy.FailFast;
    private readonly Setting _set;

    /// <summary>The members <see cref="ImageDataset.FromDirectory"/> also takes as arguments, to tell "set" from "left at its default".</summary>
    [Flags]
    internal enum Setting
    {
        None = 0,
        ColorMode = 1,
        ImageSize = 2,
        Interpolation = 4,
        CropToAspectRatio = 8,
        ClassNames = 16,
        Transform = 32,
        OnBadFile = 64,
    }

    /// <summary>Whether <paramref name="setting"/> was given when the options were created (even to its default value).</summary>
    internal bool IsSet(Setting setting) => (_set & setting) != 0;

    /// <summary>PIL's limit: 89,478,485 pixels (a 9459 × 9459 image, about 358 MB as RGBA).</summary>
    public const long DefaultMaxPixels = 89_478_485;

    /// <summary>Channels of the decoded images (Keras's <c>color_mode</c>); every image is converted to it. RGB by default.</summary>
    public ColorMode ColorMode
    {
        get => _colorMode;
        init
        {
            _colorMode = value;
            _set |= Setting.ColorMode;
        }
    }

    /// <summary>
    /// Resize every image to (height, width) right after decoding, before <see cref="Transform"/> (Keras's
    /// <c>image_size</c>). Null keeps each image's size: then the transforms must bring them to one size.
    /// </summary>
    public (int Height, int Width)? ImageSize
    {
        get => _imageSize;
        init
        {
            if (value is { } v && (v.Height < 1 || v.Width < 1))
                throw new ArgumentOutOfRangeException(nameof(ImageSize), $"Invalid value for argument imageSize. Expected strictly positive height and width. Received imageSize=({v.Height}, {v.Width}).");
            _imageSize = value;
            _set |= Setting.ImageSize;
        }
    }

    /// <summary>Filter of the <see cref="ImageSize"/> resize; bilinear by default (as Keras).</summary>
    public Interpolation Interpolation
    {
        get => _interpolation;
        init
        {
            _interpolation = value;
            _set |= Setting.Interpolation;
        }
    }

    /// <summary>Before resizing to <see cref="ImageSize"/>, crop the largest centred region with the target aspect ratio, so images are not distorted (Keras's <c>crop_to_aspect_ratio</c>).</summary>
    public bool CropToAspectRatio
    {
        get => _cropToAspectRatio;
        init
        {
            _cropToAspectRatio = value;
            _set |= Setting.CropToAspectRatio;
        }
    }

    /// <summary>
    /// Explicit class names, in label order (Keras's <c>class_names</c>); they must match the subfolder names exactly.
    /// Null: the subfolder names in ordinal (code-point) order, as Keras and torchvision sort them.
    /// </summary>
    public IReadOnlyList<string>? ClassNames
    {
        get => _classNames;
        init
        {
            _classNames = value;
            _set |= Setting.ClassNames;
        }
    }

    /// <summary>
    /// Transforms applied to every image after decoding (augmentation, ToTensor, Normalize); null converts to [C, H, W]
    /// in [0, 1] only. <see cref="ImageDataset.FromDirectory"/> applies it to the training part. To change it later,
    /// use <see cref="ImageFolder.WithTransform"/>.
    /// </summary>
    public TransformPipeline? Transform
    {
        get => _transform;
        init
        {
            _transform = value;
            _set |= Setting.Transform;
        }
    }

    /// <summary>Fail at the first bad file, or skip bad files and report them in <see cref="ImageFolder.SkippedFiles"/>.</summary>
    public BadFilePolicy OnBadFile
    {
        get => _onBadFile;
        init
        {
            _onBadFile = value;
            _set |= Setting.OnBadFile;
        }
    }

    /// <summary>
    /// Check every file when the dataset is created, reading headers only (size, format, dimensions — cheap, in
    /// parallel), so that most bad files are found before training. Files that fail later (a damaged body) are handled
    /// when they are loaded. True by default.
    /// </summary>
    public bool ValidateFiles { get; init; } = true;

    /// <summary>
    /// Largest image accepted, in pixels (width × height). Checked from the header before any pixel is decoded, so a
    /// decompression bomb (a tiny file declaring a huge image) is refused without allocating its memory.
    /// </summary>
    public long MaxPixels
    {
        get => _maxPixels;
        init => _maxPixels = Guard.Positive(value, "maxPixels");
    }

    /// <summary>Largest file accepted, in bytes (256 MiB by default): files are read whole before decoding.</summary>
    public long MaxFileBytes
    {
        get => _maxFileBytes;
        init => _maxFileBytes = Guard.Positive(value, "maxFileBytes");
    }

    /// <summary>Defaults for data loaders over this dataset (worker threads, prefetch); <see cref="DataLoaderOptions.Parallel"/> by default.</summary>
    public DataLoaderOptions LoaderOptions { get; init; } = DataLoaderOptions.Parallel;
}
