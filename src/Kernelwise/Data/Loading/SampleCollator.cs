using System.Globalization;
using Kernelwise.Data.Images;
using Kernelwise.Data.Transforms;
using SixLabors.ImageSharp;
using static TorchSharp.torch;

namespace Kernelwise.Data.Loading;

/// <summary>
/// Builds one batch from transformed images: each sample's [C, H, W] values are written straight into one float32
/// buffer of the batch (tensor steps run in place there), which becomes the NCHW input tensor without another copy.
/// </summary>
/// <remarks>
/// The buffer is a managed array the input tensor shares (<c>torch.from_array</c>); the tensor keeps it alive and pinned
/// until it is disposed. Reused managed memory avoids the page faults a fresh native allocation of every batch costs.
/// </remarks>
internal sealed class SampleCollator
{
    private readonly int _capacity;
    private readonly TransformPipeline _pipeline;
    private readonly BatchContext _context;
    private readonly long[] _targets;
    private float[]? _buffer;
    private int _c, _h, _w, _count;
    private string? _first;

    public SampleCollator(int capacity, TransformPipeline pipeline, BatchContext context)
    {
        _capacity = capacity;
        _pipeline = pipeline;
        _context = context;
        _targets = new long[capacity];
    }

    public int Count => _count;

    /// <summary>
    /// Runs the image steps (taking ownership of <paramref name="image"/>), converts and adds the sample. Errors name
    /// <paramref name="source"/> (a file path, or a description of a tensor sample).
    /// </summary>
    public void Add(Image image, long index, long target, string source)
    {
        Image result;
        try
        {
            result = _pipeline.ApplyImageSteps(image, _context, index);
        }
        catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
        {
            throw new ImageFileException(source, $"a transform failed ({e.Message.TrimEnd('.')})", e);
        }
        using (result)
        {
            var (c, h, w) = ToTensor.ShapeOf(result);
            if (_buffer is null)
            {
                (_c, _h, _w, _first) = (c, h, w, source);
                _buffer = GC.AllocateUninitializedArray<float>(checked(_capacity * c * h * w));
            }
            else if (c != _c || h != _h || w != _w)
            {
                const string fix = "images in a batch need one size: set ImageFolderOptions.ImageSize or add Resize/CenterCrop/RandomResizedCrop to the transform";
                throw new ImageFileException(source, string.Create(CultureInfo.InvariantCulture,
                    $"after the transforms it is {c}×{h}×{w} (C×H×W), but the first sample of its batch ('{_first}') is {_c}×{_h}×{_w}; {fix}"));
            }
            int size = c * h * w;
            var span = _buffer.AsSpan(_count * size, size);
            PixelOps.WriteChw(result, span);
            try
            {
                _pipeline.ApplyTensorSteps(span, c, h, w, _context, index);
            }
            catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
            {
                throw new ImageFileException(source, $"a transform failed ({e.Message.TrimEnd('.')})", e);
            }
            _targets[_count++] = target;
        }
    }

    /// <summary>
    /// The batch: inputs float32 [N, C, H, W] sharing the buffer, targets int64 [N] (or <paramref name="targets"/>, whose
    /// ownership passes to the batch); empty tensors when no sample was added.
    /// </summary>
    public Batch Build(Tensor? targets = null)
    {
        if (_buffer is null || _count == 0)
        {
            targets?.Dispose();
            return new Batch(empty(0, 0, 0, 0), empty(0, dtype: ScalarType.Int64));
        }
        Tensor inputs;
        using (var flat = from_array(_buffer))
        {
            long used = (long)_count * _c * _h * _w;
            if (used == _buffer.LongLength)
            {
                inputs = flat.view(_count, _c, _h, _w);
            }
            else
            {
                using var part = flat.narrow(0, 0, used);
                inputs = part.view(_count, _c, _h, _w);
            }
        }
        try
        {
            return new Batch(inputs, targets ?? tensor(_targets.AsSpan(0, _count).ToArray()));
        }
        catch
        {
            inputs.Dispose();
            targets?.Dispose();
            throw;
        }
    }
}
