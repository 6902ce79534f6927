using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Processing;
using static TorchSharp.torch;

namespace Kernelwise.Data;

/// <summary>
/// A sequence of transforms applied to every sample, built fluently — torchvision's <c>Compose</c>:
/// <code>
/// var augment = new TransformPipeline()
///     .RandomResizedCrop(224, 224)
///     .RandomHorizontalFlip()
///     .ColorJitter(brightness: 0.4, contrast: 0.4, saturation: 0.4)
///     .ToTensor()
///     .Normalize(new[] { 0.485, 0.456, 0.406 }, new[] { 0.229, 0.224, 0.225 });
/// </code>
/// The pipeline's output for one image is a float32 [C, H, W] tensor; a batch is NCHW.
/// </summary>
/// <remarks>
/// <para>
/// Pipelines are immutable: every fluent call returns a new pipeline with one more step, so one pipeline can be shared
/// by datasets and worker threads safely. Image steps (<see cref="ImageTransform"/>) come before <see cref="ToTensor"/>,
/// tensor steps (<see cref="TensorTransform"/>) after it, as in torchvision; the order is checked as the pipeline is
/// built. Without an explicit <see cref="ToTensor()"/>, the conversion happens after the last step.
/// </para>
/// <para>
/// Step k of sample i in epoch e of a run seeded s draws from <see cref="TransformRandom.For"/>(s, e, i, k): augmentation
/// repeats exactly under a seed whatever the number of workers, and adding a step leaves the other steps' draws alone.
/// </para>
/// </remarks>
public sealed class TransformPipeline
{
    private readonly Transform[] _steps;
    private readonly int _tensorStart;

    /// <summary>An empty pipeline (images become tensors unchanged).</summary>
    public TransformPipeline()
        : this(Array.Empty<Transform>())
    {
    }

    /// <summary>
    /// The ImageNet preset of pretrained classification models (torchvision's <c>ImageClassification</c>): resize the
    /// smaller edge to 256, crop the centre 224 × 224, scale to [0, 1], normalise with ImageNet's mean (0.485, 0.456, 0.406)
    /// and standard deviation (0.229, 0.224, 0.225). See <see cref="ImagePreprocessing"/> for other sizes and the training
    /// counterpart.
    /// </summary>
    /// <param name="resizeSize">Smaller edge after resizing.</param>
    /// <param name="cropSize">Side of the centre crop.</param>
    public static TransformPipeline ImageNet(int resizeSize = 256, int cropSize = 224)
        => (ImagePreprocessing.ImageNet with { Width = cropSize, Height = cropSize, ResizeSize = resizeSize }).ToPipeline();

    /// <summary>A pipeline of <paramref name="steps"/>, in order.</summary>
    public TransformPipeline(IEnumerable<Transform> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        _steps = steps.ToArray();
        _tensorStart = _steps.Length;
        for (int i = 0; i < _steps.Length; i++)
        {
            var step = _steps[i] ?? throw new ArgumentException($"Step {i} of the pipeline is null.", nameof(steps));
            switch (step)
            {
                case Kernelwise.Data.ToTensor when _tensorStart < _steps.Length && i != _tensorStart:
                    throw new ArgumentException($"The pipeline has ToTensor() twice (steps {_tensorStart} and {i}); images become tensors once.", nameof(steps));
                case Kernelwise.Data.ToTensor:
                    _tensorStart = i;
                    break;
                case ImageTransform when _tensorStart < i:
                    throw new ArgumentException($"{step} works on images, but step {i} comes after ToTensor() (step {_tensorStart}). Place image steps before ToTensor().", nameof(steps));
                case TensorTransform when _tensorStart > i:
                    throw new ArgumentException($"{step} works on tensors, but step {i} comes before ToTensor(). Add .ToTensor() before it, as in torchvision.", nameof(steps));
            }
        }
    }

    /// <summary>The steps, in order.</summary>
    public IReadOnlyList<Transform> Steps => _steps;

    /// <summary>Whether any step draws random numbers.</summary>
    public bool IsRandom => _steps.Any(s => s.IsRandom);

    /// <summary>A new pipeline with <paramref name="step"/> appended.</summary>
    public TransformPipeline Then(Transform step)
    {
        ArgumentNullException.ThrowIfNull(step);
        return new TransformPipeline(_steps.Append(step));
    }

    /// <summary>Appends <see cref="Kernelwise.Data.Resize"/> of the smaller edge to <paramref name="size"/>, keeping the aspect ratio.</summary>
    public TransformPipeline Resize(int size, Interpolation interpolation = Interpolation.Bilinear) => Then(new Resize(size, interpolation));

    /// <summary>Appends <see cref="Kernelwise.Data.Resize"/> to exactly <paramref name="height"/> × <paramref name="width"/>.</summary>
    public TransformPipeline Resize(int height, int width, Interpolation interpolation = Interpolation.Bilinear) => Then(new Resize(height, width, interpolation));

    /// <summary>Appends a square <see cref="Kernelwise.Data.CenterCrop"/>.</summary>
    public TransformPipeline CenterCrop(int size) => Then(new CenterCrop(size));

    /// <summary>Appends a <paramref name="height"/> × <paramref name="width"/> <see cref="Kernelwise.Data.CenterCrop"/>.</summary>
    public TransformPipeline CenterCrop(int height, int width) => Then(new CenterCrop(height, width));

    /// <summary>Appends a square <see cref="Kernelwise.Data.RandomCrop"/> after zero <paramref name="padding"/> on every side.</summary>
    public TransformPipeline RandomCrop(int size, int padding = 0, bool padIfNeeded = false) => Then(new RandomCrop(size, padding, padIfNeeded));

    /// <summary>Appends a <paramref name="height"/> × <paramref name="width"/> <see cref="Kernelwise.Data.RandomCrop"/>.</summary>
    public TransformPipeline RandomCrop(int height, int width, int padding, bool padIfNeeded = false) => Then(new RandomCrop(height, width, padding, padIfNeeded));

    /// <summary>Appends <see cref="Kernelwise.Data.RandomResizedCrop"/> to <paramref name="height"/> × <paramref name="width"/>.</summary>
    public TransformPipeline RandomResizedCrop(int height, int width, (double Min, double Max)? scale = null, (double Min, double Max)? ratio = null, Interpolation interpolation = Interpolation.Bilinear)
        => Then(new RandomResizedCrop(height, width, scale, ratio, interpolation));

    /// <summary>Appends <see cref="Kernelwise.Data.RandomHorizontalFlip"/>.</summary>
    public TransformPipeline RandomHorizontalFlip(double probability = 0.5) => Then(new RandomHorizontalFlip(probability));

    /// <summary>Appends <see cref="Kernelwise.Data.RandomVerticalFlip"/>.</summary>
    public TransformPipeline RandomVerticalFlip(double probability = 0.5) => Then(new RandomVerticalFlip(probability));

    /// <summary>Appends <see cref="Kernelwise.Data.RandomRotation"/> with angles in [−<paramref name="degrees"/>, <paramref name="degrees"/>].</summary>
    public TransformPipeline RandomRotation(double degrees, Interpolation interpolation = Interpolation.Nearest) => Then(new RandomRotation(degrees, interpolation));

    /// <summary>Appends <see cref="Kernelwise.Data.ColorJitter"/>.</summary>
    public TransformPipeline ColorJitter(double brightness = 0, double contrast = 0, double saturation = 0, double hue = 0) => Then(new ColorJitter(brightness, contrast, saturation, hue));

    /// <summary>Appends <see cref="Kernelwise.Data.Grayscale"/>.</summary>
    public TransformPipeline Grayscale(int numOutputChannels = 1) => Then(new Grayscale(numOutputChannels));

    /// <summary>Appends <see cref="ToTensor"/>: from here on, steps work on float32 [C, H, W] values in [0, 1].</summary>
    public TransformPipeline ToTensor() => Then(new ToTensor());

    /// <summary>Appends <see cref="Kernelwise.Data.Normalize"/> (after <see cref="ToTensor()"/>).</summary>
    public TransformPipeline Normalize(IReadOnlyList<double> mean, IReadOnlyList<double> std) => Then(new Normalize(mean, std));

    /// <summary>
    /// Runs the pipeline on one image and returns the float32 [C, H, W] tensor (the caller owns it); the image is not
    /// changed. The random steps draw as they would for sample <paramref name="index"/> in <paramref name="epoch"/> of a
    /// run seeded <paramref name="seed"/>.
    /// </summary>
    public Tensor Apply(Image image, int seed = 0, int epoch = 0, long index = 0)
    {
        ArgumentNullException.ThrowIfNull(image);
        var context = new BatchContext(seed, epoch);
        var result = ApplyImageSteps(image.Clone(_ => { }), context, index);
        try
        {
            var (c, h, w) = Kernelwise.Data.ToTensor.ShapeOf(result);
            var values = new float[c * h * w];
            PixelOps.WriteChw(result, values);
            ApplyTensorSteps(values, c, h, w, context, index);
            return tensor(values, new long[] { c, h, w });
        }
        finally
        {
            result.Dispose();
        }
    }

    /// <summary>Runs the image steps; takes ownership of <paramref name="image"/> and returns the image the caller now owns.</summary>
    internal Image ApplyImageSteps(Image image, BatchContext context, long index)
    {
        var current = image;
        try
        {
            for (int k = 0; k < _tensorStart; k++)
            {
                var step = (ImageTransform)_steps[k];
                var next = step.Apply(current, TransformRandom.For(context.Seed, context.Epoch, index, k));
                if (next is null) throw new InvalidOperationException($"Transform {step} returned null.");
                if (!ReferenceEquals(next, current)) current.Dispose();
                current = next;
            }
            return current;
        }
        catch
        {
            current.Dispose();
            throw;
        }
    }

    /// <summary>Runs the tensor steps in place on one sample's [C, H, W] values.</summary>
    internal void ApplyTensorSteps(Span<float> values, int channels, int height, int width, BatchContext context, long index)
    {
        for (int k = _tensorStart; k < _steps.Length; k++)
        {
            if (_steps[k] is TensorTransform t) t.Apply(values, channels, height, width, TransformRandom.For(context.Seed, context.Epoch, index, k));
        }
    }

    /// <summary>torchvision-style listing: <c>Compose(Resize(...), ToTensor())</c>.</summary>
    public override string ToString() => $"Compose({string.Join(", ", _steps.Select(s => s.ToString()))})";
}
