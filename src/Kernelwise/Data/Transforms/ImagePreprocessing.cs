using System.Globalization;

namespace Kernelwise.Data;

/// <summary>
/// The preprocessing a pretrained image model expects — torchvision's <c>ImageClassification</c> preset: resize the
/// smaller edge to <see cref="ResizeSize"/>, crop the centre <see cref="CropSize"/> square, scale to [0, 1] and normalise
/// each channel with <see cref="Mean"/> and <see cref="Std"/>. <see cref="Evaluation"/> builds that pipeline;
/// <see cref="Training"/> builds the usual augmented counterpart for fine-tuning.
/// </summary>
/// <param name="ResizeSize">Smaller edge after resizing (256 for ImageNet models).</param>
/// <param name="CropSize">Side of the centre crop the model sees (224).</param>
/// <param name="Mean">Per-channel mean subtracted after scaling to [0, 1].</param>
/// <param name="Std">Per-channel standard deviation divided by.</param>
/// <param name="Interpolation">Resampling used by the resize.</param>
public sealed record ImagePreprocessing(int ResizeSize, int CropSize, IReadOnlyList<double> Mean, IReadOnlyList<double> Std,
    Interpolation Interpolation = Interpolation.Bilinear)
{
    /// <summary>ImageNet's channel means (R, G, B) of pixels scaled to [0, 1]: 0.485, 0.456, 0.406.</summary>
    public static IReadOnlyList<double> ImageNetMean { get; } = Array.AsReadOnly(new[] { 0.485, 0.456, 0.406 });

    /// <summary>ImageNet's channel standard deviations (R, G, B): 0.229, 0.224, 0.225.</summary>
    public static IReadOnlyList<double> ImageNetStd { get; } = Array.AsReadOnly(new[] { 0.229, 0.224, 0.225 });

    /// <summary>
    /// The ImageNet preset of torchvision's classification weights: resize 256 (bilinear), centre crop 224, ImageNet
    /// mean and standard deviation.
    /// </summary>
    public static ImagePreprocessing ImageNet { get; } = new(256, 224, ImageNetMean, ImageNetStd);

    /// <summary>
    /// The evaluation pipeline: <c>Resize(ResizeSize) → CenterCrop(CropSize) → ToTensor() → Normalize(Mean, Std)</c>,
    /// float32 [C, CropSize, CropSize] out.
    /// </summary>
    public TransformPipeline Evaluation() => new TransformPipeline()
        .Resize(Check().ResizeSize, Interpolation)
        .CenterCrop(CropSize)
        .ToTensor()
        .Normalize(Mean, Std);

    /// <summary>
    /// The usual fine-tuning augmentation for these inputs (torchvision's reference recipe):
    /// <c>RandomResizedCrop(CropSize) → RandomHorizontalFlip() → ToTensor() → Normalize(Mean, Std)</c>.
    /// </summary>
    /// <param name="scale">Range of the crop's area as a fraction of the image (torchvision's default 0.08–1).</param>
    public TransformPipeline Training((double Min, double Max)? scale = null) => new TransformPipeline()
        .RandomResizedCrop(Check().CropSize, CropSize, scale, interpolation: Interpolation)
        .RandomHorizontalFlip()
        .ToTensor()
        .Normalize(Mean, Std);

    private ImagePreprocessing Check()
    {
        Guard.Positive(ResizeSize);
        Guard.Positive(CropSize);
        if (CropSize > ResizeSize)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Invalid value for argument CropSize. Expected at most ResizeSize={ResizeSize}. Received CropSize={CropSize}."), nameof(CropSize));
        if (Mean is null || Std is null || Mean.Count != Std.Count)
            throw new ArgumentException($"Invalid values for arguments Mean and Std. Expected one value per channel in each. Received {Mean?.Count} and {Std?.Count}.", nameof(Mean));
        return this;
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"resize {ResizeSize} ({Interpolation}), centre crop {CropSize}, normalise with mean ({string.Join(", ", Mean)}) and std ({string.Join(", ", Std)})");
}
