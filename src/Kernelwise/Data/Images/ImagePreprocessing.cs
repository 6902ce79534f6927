using SixLabors.ImageSharp;

namespace Kernelwise.Data;

/// <summary>
/// How an image file becomes one input sample of a model — size, colour mode, how to fit the image, and the value
/// transform — as data that travels in a model archive, so a program classifying images needs no code of the model's
/// author. <see cref="ToPipeline"/> turns it into the transforms that do it.
/// </summary>
/// <param name="Width">Input width in pixels.</param>
/// <param name="Height">Input height in pixels.</param>
/// <param name="ColorMode">Grayscale (1 channel), RGB (3) or RGBA (4).</param>
/// <param name="Fit">How the image is brought to the size: stretched, or resized on its shorter side and centre-cropped.</param>
/// <param name="Mean">Per-channel mean subtracted after scaling to [0, 1]; null for none.</param>
/// <param name="Std">Per-channel standard deviation divided by; null for none.</param>
/// <param name="ResizeSize">With <see cref="ImageFit.ResizeAndCenterCrop"/>, the shorter side after resizing, before the
/// centre crop (256 for ImageNet's 224 crop); null for the crop's own shorter side.</param>
public sealed record ImagePreprocessing(int Width, int Height, ColorMode ColorMode = ColorMode.Rgb, ImageFit Fit = ImageFit.Stretch,
    IReadOnlyList<double>? Mean = null, IReadOnlyList<double>? Std = null, int? ResizeSize = null)
{
    /// <summary>ImageNet's channel means (R, G, B) of pixels scaled to [0, 1]: 0.485, 0.456, 0.406.</summary>
    public static IReadOnlyList<double> ImageNetMean { get; } = Array.AsReadOnly(new[] { 0.485, 0.456, 0.406 });

    /// <summary>ImageNet's channel standard deviations (R, G, B): 0.229, 0.224, 0.225.</summary>
    public static IReadOnlyList<double> ImageNetStd { get; } = Array.AsReadOnly(new[] { 0.229, 0.224, 0.225 });

    /// <summary>
    /// The ImageNet preset of pretrained classification models (torchvision's <c>ImageClassification</c>): RGB, resize the
    /// shorter side to 256, crop the centre 224 × 224, scale to [0, 1], normalise with ImageNet's mean and standard deviation.
    /// </summary>
    public static ImagePreprocessing ImageNet { get; } = new(224, 224, ColorMode.Rgb, ImageFit.ResizeAndCenterCrop, ImageNetMean, ImageNetStd, ResizeSize: 256);

    /// <summary>Number of channels the colour mode gives.</summary>
    public int Channels => ColorMode switch { ColorMode.Grayscale => 1, ColorMode.Rgba => 4, _ => 3 };

    /// <summary>Checks the values (positive size, one mean and deviation per channel, deviations above 0).</summary>
    public void Validate()
    {
        if (Width < 1 || Height < 1 || Width > 16384 || Height > 16384)
            throw new ArgumentException($"Invalid image preprocessing size. Expected 1 to 16384 pixels. Received {Width}×{Height}.");
        if (!Enum.IsDefined(ColorMode)) throw new ArgumentException($"Invalid image preprocessing colour mode {(int)ColorMode}.");
        if (!Enum.IsDefined(Fit)) throw new ArgumentException($"Invalid image preprocessing fit {(int)Fit}.");
        if ((Mean is null) != (Std is null))
            throw new ArgumentException("Invalid image preprocessing: give both Mean and Std, or neither.");
        if (Mean is not null && (Mean.Count != Channels || Std!.Count != Channels))
            throw new ArgumentException($"Invalid image preprocessing: {Channels} channel(s) need {Channels} mean and std values; received {Mean.Count} and {Std!.Count}.");
        if (Std is not null && Std.Any(s => !(s > 0) || double.IsInfinity(s)))
            throw new ArgumentException($"Invalid image preprocessing: std values must be finite and above 0; received [{string.Join(", ", Std)}].");
        if (Mean is not null && Mean.Any(m => !double.IsFinite(m)))
            throw new ArgumentException($"Invalid image preprocessing: mean values must be finite; received [{string.Join(", ", Mean)}].");
        if (ResizeSize is int r && (Fit != ImageFit.ResizeAndCenterCrop || r < Math.Max(Width, Height) || r > 16384))
            throw new ArgumentException($"Invalid image preprocessing ResizeSize. Expected it with ResizeAndCenterCrop, at least the crop's larger side {Math.Max(Width, Height)} and at most 16384. Received {r} with {Fit}.");
    }

    /// <summary>The transforms that turn a decoded image into the model's input [C, H, W] (float32).</summary>
    public TransformPipeline ToPipeline()
    {
        Validate();
        var pipeline = new TransformPipeline();
        pipeline = Fit == ImageFit.ResizeAndCenterCrop
            ? pipeline.Resize(ResizeSize ?? Math.Min(Width, Height)).CenterCrop(Height, Width)
            : pipeline.Resize(Height, Width);
        pipeline = pipeline.ToTensor();
        if (Mean is not null) pipeline = pipeline.Normalize(Mean.ToArray(), Std!.ToArray());
        return pipeline;
    }

    /// <summary>
    /// The usual augmentation for fine-tuning on such inputs (torchvision's reference recipe): a random crop of 8–100% of the
    /// area with aspect ratio 3/4–4/3 resized to the input size, a random horizontal flip, then the same scaling and
    /// normalisation as <see cref="ToPipeline"/>.
    /// </summary>
    /// <param name="scale">Range of the crop's area as a fraction of the image (torchvision's default 0.08–1).</param>
    public TransformPipeline ToTrainingPipeline((double Min, double Max)? scale = null)
    {
        Validate();
        var pipeline = new TransformPipeline().RandomResizedCrop(Height, Width, scale).RandomHorizontalFlip().ToTensor();
        return Mean is null ? pipeline : pipeline.Normalize(Mean.ToArray(), Std!.ToArray());
    }

    /// <summary>
    /// Decodes the image file at <paramref name="path"/> (JPEG, PNG, BMP, GIF, WebP; pixel and size limits as
    /// <see cref="ImageFolderOptions"/>'s defaults) and turns it into one input sample [C, H, W]; the caller owns the tensor.
    /// </summary>
    /// <exception cref="ImageFileException">The file is missing, too large, or not a readable image; the message names it.</exception>
    public TorchSharp.torch.Tensor Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var defaults = new ImageFolderOptions();
        var decoder = new ImageDecoder(defaults.MaxPixels, defaults.MaxFileBytes);
        string? problem = decoder.Check(path);
        if (problem is not null) throw new ImageFileException(path, problem);
        using var image = decoder.Decode(path, ColorMode);
        return ToPipeline().Apply(image);
    }
}

/// <summary>How an image is brought to a model's input size.</summary>
public enum ImageFit
{
    /// <summary>Resized to exactly the width and height (aspect ratio not kept).</summary>
    Stretch,

    /// <summary>Resized so its shorter side matches, then the centre cropped (ImageNet's evaluation transform).</summary>
    ResizeAndCenterCrop,
}
