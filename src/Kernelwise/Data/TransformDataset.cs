using System.Globalization;
using Kernelwise.Data.Loading;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using static TorchSharp.torch;

namespace Kernelwise.Data;

/// <summary>
/// Applies a <see cref="TransformPipeline"/> to the inputs of an in-memory image dataset — for example random crops and
/// flips on CIFAR-10, or rotations on Fashion-MNIST. Each input [C, H, W] (C = 1, 3 or 4; values in [0, 1]) is turned
/// into an 8-bit image, transformed, and turned back into float32 [C', H', W']; targets pass through unchanged.
/// Usually made by <see cref="Dataset.WithTransform"/>.
/// </summary>
/// <remarks>
/// Random steps draw from (seed, epoch, sample index) like every Kernelwise transform, so a <see cref="DataLoader"/>
/// gives the same batches with any number of workers. The dataset defaults to <see cref="DataLoaderOptions.Parallel"/>
/// loading, since transforming costs far more than gathering tensors.
/// </remarks>
public sealed class TransformDataset : Dataset
{
    private static readonly Configuration s_configuration = new() { MaxDegreeOfParallelism = 1 };

    /// <summary>Wraps <paramref name="source"/>.</summary>
    public TransformDataset(Dataset source, TransformPipeline transform)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(transform);
        Source = source;
        Transform = transform;
        LoaderOptions = DataLoaderOptions.Parallel;
    }

    /// <summary>The untransformed samples.</summary>
    public Dataset Source { get; }

    /// <summary>The transforms.</summary>
    public TransformPipeline Transform { get; }

    /// <inheritdoc />
    public override long Count => Source.Count;

    internal override IEnumerable<Dataset> Sources => new[] { Source };

    /// <summary>
    /// <see cref="Source"/> with <paramref name="transform"/> instead of <see cref="Transform"/> (transforms replace, they
    /// do not stack); an empty pipeline gives back the untransformed samples. See <see cref="Dataset.WithTransform"/>.
    /// </summary>
    public override Dataset WithTransform(TransformPipeline transform) => Source.WithTransform(transform);

    /// <inheritdoc />
    public override (Tensor Input, Tensor Target) GetExample(long index) => GetExample(index, BatchContext.Default);

    /// <inheritdoc />
    public override (Tensor Input, Tensor Target) GetExample(long index, BatchContext context)
    {
        using var batch = GetBatch(new[] { CheckIndex(index) }, context);
        return (batch.Inputs[0].clone(), batch.Targets[0].clone());
    }

    /// <inheritdoc />
    public override Batch GetBatch(long[] indices) => GetBatch(indices, BatchContext.Default);

    /// <inheritdoc />
    public override Batch GetBatch(long[] indices, BatchContext context)
    {
        ArgumentNullException.ThrowIfNull(indices);
        using var source = Source.GetBatch(indices, context);
        var shape = source.Inputs.shape;
        if (shape.Length != 4 || shape[1] is not (1 or 3 or 4) || source.Size != indices.Length)
        {
            throw new InvalidOperationException(
                $"TransformDataset needs image inputs [N, C, H, W] with C = 1, 3 or 4 from its source {Source.GetType().Name}; received a batch of shape [{string.Join(", ", shape)}] for {indices.Length} indices.");
        }
        int c = (int)shape[1], h = (int)shape[2], w = (int)shape[3];
        byte[] pixels;
        using (var scope = NewDisposeScope())
        {
            var hwc = source.Inputs.detach().cpu().to(ScalarType.Float32).mul(255).round().clamp(0, 255).to(ScalarType.Byte).permute(0, 2, 3, 1).contiguous();
            pixels = hwc.data<byte>().ToArray();
        }
        using var collator = new SampleCollator(indices.Length, Transform, context);
        int size = c * h * w;
        for (int i = 0; i < indices.Length; i++)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            var span = pixels.AsSpan(i * size, size);
            Image image = c switch
            {
                1 => Image.LoadPixelData<L8>(s_configuration, span, w, h),
                3 => Image.LoadPixelData<Rgb24>(s_configuration, span, w, h),
                _ => Image.LoadPixelData<Rgba32>(s_configuration, span, w, h),
            };
            collator.Add(image, indices[i], 0, string.Create(CultureInfo.InvariantCulture, $"sample {indices[i]} of {Source.GetType().Name}"));
        }
        return collator.Build(source.Targets.clone());
    }
}
