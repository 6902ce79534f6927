using System.Globalization;
using System.Runtime.InteropServices;
using Kernelwise.Data;
using SixLabors.ImageSharp;
using static TorchSharp.torch;

namespace Kernelwise.Data.Loading;

/// <summary>
/// Builds one batch from transformed images: each sample's [C, H, W] values are written straight into the batch's
/// NCHW input tensor (tensor steps run in place there), so no per-sample tensor and no second copy exist.
/// </summary>
/// <remarks>
/// The input tensor is allocated by libtorch once the first sample's shape is known, so its memory comes from the C
/// heap that Kernelwise's allocator policy keeps warm (reused blocks, no fresh page faults per batch). The collator
/// owns that tensor until <see cref="Build"/> hands it to the batch; <see cref="Dispose"/> frees it on failure.
/// </remarks>
internal sealed class SampleCollator : IDisposable
{
    private readonly int _capacity;
    private readonly TransformPipeline _pipeline;
    private readonly BatchContext _context;
    private readonly long[] _targets;
    private Tensor? _inputs;
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
            if (_inputs is null)
            {
                (_c, _h, _w, _first) = (c, h, w, source);
                _inputs = empty(new long[] { _capacity, c, h, w }, ScalarType.Float32);
            }
            else if (c != _c || h != _h || w != _w)
            {
                const string fix = "images in a batch need one size: set ImageFolderOptions.ImageSize or add Resize/CenterCrop/RandomResizedCrop to the transform";
                throw new ImageFileException(source, string.Create(CultureInfo.InvariantCulture,
                    $"after the transforms it is {c}×{h}×{w} (C×H×W), but the first sample of its batch ('{_first}') is {_c}×{_h}×{_w}; {fix}"));
            }
            int size = c * h * w;
            var span = MemoryMarshal.Cast<byte, float>(_inputs.bytes).Slice(_count * size, size);
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
    /// The batch: inputs float32 [N, C, H, W], targets int64 [N] (or <paramref name="targets"/>, whose ownership passes to
    /// the batch); empty tensors when no sample was added. The collator gives up its tensor.
    /// </summary>
    public Batch Build(Tensor? targets = null)
    {
        if (_inputs is null || _count == 0)
        {
            targets?.Dispose();
            return new Batch(empty(0, 0, 0, 0), empty(0, dtype: ScalarType.Int64));
        }
        var inputs = _count == _capacity ? _inputs : _inputs.narrow(0, 0, _count);
        if (!ReferenceEquals(inputs, _inputs)) _inputs.Dispose(); // the narrowed view keeps the storage
        _inputs = null;
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

    /// <summary>Frees the input tensor when <see cref="Build"/> was not reached.</summary>
    public void Dispose()
    {
        _inputs?.Dispose();
        _inputs = null;
    }
}
