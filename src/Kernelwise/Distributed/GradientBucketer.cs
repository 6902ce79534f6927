using TorchSharp;
using static TorchSharp.torch;

namespace Kernelwise.Distributed;

/// <summary>
/// Averages a fixed list of gradient tensors across ranks with few, large all-reduces: the tensors are packed, in
/// order, into buckets of about <c>bucketCapMb</c> MiB; each step copies every gradient into its bucket's contiguous
/// buffer, all-reduces each bucket once, and copies the sums back scaled by 1/<see cref="ICollectiveBackend.Size"/>.
/// </summary>
/// <remarks>
/// <para>One call per tensor would pay MPI's per-call latency a hundred times a step; one call for everything would
/// need a second copy of all gradients. Buckets are the middle way of PyTorch's DistributedDataParallel
/// (<c>bucket_cap_mb</c>, 25 MiB by default) and Horovod's tensor fusion (<c>HOROVOD_FUSION_THRESHOLD</c>, 64 MiB).
/// No overlap with the backward pass is attempted: the engine calls <see cref="AllReduceWeightedMean"/> (or
/// <see cref="AllReduceMean"/>) once the backward pass is complete.</para>
/// <para>The layout (which tensor goes where) is fixed at construction from the tensors' shapes and element types,
/// so every rank, constructed with the same model, makes the same calls. Tensors of different element types never
/// share a bucket; a tensor larger than the cap gets a bucket of its own. The bucket buffers are allocated once, on
/// the backend's device, and reused every step (a fresh large buffer per step would pay first-touch page faults
/// again each time). In a single process (<see cref="ICollectiveBackend.Size"/> 1) nothing is copied.</para>
/// <para>Ownership: the bucketer owns its buffers and disposes them; it never keeps or disposes the gradients it is
/// given.</para>
/// </remarks>
public sealed class GradientBucketer : IDisposable
{
    /// <summary>PyTorch DistributedDataParallel's default bucket size, in MiB.</summary>
    public const double DefaultBucketCapMb = 25;

    private readonly ICollectiveBackend _backend;
    private readonly long[][] _shapes;
    private readonly ScalarType[] _types;
    private readonly List<Bucket> _buckets = [];
    private readonly (int Bucket, Tensor View)[] _slots;
    private bool _disposed;

    /// <summary>
    /// Lays out buckets for gradients shaped like <paramref name="tensors"/> (typically the model's trainable
    /// parameters, in a fixed order).
    /// </summary>
    /// <param name="backend">The group to average over.</param>
    /// <param name="tensors">Tensors whose shapes and element types (float32 or float64) the gradients will have.</param>
    /// <param name="bucketCapMb">Target bucket size in MiB (2^20 bytes), like DDP's <c>bucket_cap_mb</c>.</param>
    public GradientBucketer(ICollectiveBackend backend, IReadOnlyList<Tensor> tensors, double bucketCapMb = DefaultBucketCapMb)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(tensors);
        Guard.Positive(bucketCapMb);
        _backend = backend;
        long capBytes = Math.Max(1, (long)(bucketCapMb * 1024 * 1024));
        _shapes = new long[tensors.Count][];
        _types = new ScalarType[tensors.Count];
        _slots = new (int, Tensor)[tensors.Count];

        // Assign tensors, in order, to the open bucket of their element type; close it when the next would overflow it.
        var open = new Dictionary<ScalarType, List<int>>();
        var openBytes = new Dictionary<ScalarType, long>();
        var layout = new List<(ScalarType Type, List<int> Members)>();
        for (int i = 0; i < tensors.Count; i++)
        {
            var t = tensors[i] ?? throw new ArgumentNullException(nameof(tensors), $"Tensor {i} of the bucketer's layout is null.");
            if (t.dtype is not (ScalarType.Float32 or ScalarType.Float64))
                throw new ArgumentException($"GradientBucketer averages float32 or float64 gradients; tensor {i} (shape [{string.Join(", ", t.shape)}]) is {t.dtype}.", nameof(tensors));
            _shapes[i] = t.shape;
            _types[i] = t.dtype;
            long bytes = t.numel() * t.element_size();
            if (open.TryGetValue(t.dtype, out var members) && openBytes[t.dtype] + bytes > capBytes)
                open.Remove(t.dtype);
            if (!open.TryGetValue(t.dtype, out members))
            {
                members = [];
                open[t.dtype] = members;
                openBytes[t.dtype] = 0;
                layout.Add((t.dtype, members));
            }
            members.Add(i);
            openBytes[t.dtype] += bytes;
        }

        if (backend.Size == 1) return;
        var device = new torch.Device(backend.DeviceType);
        foreach (var (type, members) in layout)
        {
            long elements = members.Sum(i => _shapes[i].Aggregate(1L, (a, b) => a * b));
            var buffer = zeros(elements, type, device).DetachFromDisposeScope();
            int index = _buckets.Count;
            _buckets.Add(new Bucket(buffer, members.ToArray()));
            long offset = 0;
            foreach (int i in members)
            {
                long n = _shapes[i].Aggregate(1L, (a, b) => a * b);
                using var flat = buffer.narrow(0, offset, n);
                _slots[i] = (index, flat.view(_shapes[i]).DetachFromDisposeScope());
                offset += n;
            }
        }
    }

    /// <summary>The number of tensors in the layout.</summary>
    public int TensorCount => _shapes.Length;

    /// <summary>
    /// The buckets: for each, the indices of its tensors (in the order given) and its size in bytes. Empty in a single
    /// process, where nothing is reduced.
    /// </summary>
    public IReadOnlyList<(IReadOnlyList<int> Tensors, long Bytes)> Buckets =>
        _buckets.Select(b => ((IReadOnlyList<int>)b.Members, b.Buffer.numel() * b.Buffer.element_size())).ToList();

    /// <summary>
    /// Replaces each gradient by its mean over all ranks, in place: <c>g ← (Σ_ranks g) / size</c>. One all-reduce
    /// per bucket.
    /// </summary>
    /// <param name="gradients">One tensor per layout tensor, same order, shapes and element types (any strides).</param>
    public void AllReduceMean(IReadOnlyList<Tensor> gradients) => Reduce(gradients, 1.0, 1.0 / _backend.Size);

    /// <summary>
    /// Replaces each gradient by the weighted mean over all ranks, in place: <c>g ← Σ_r w_r·g_r / Σ_r w_r</c>. With
    /// each rank's number of samples in the step as <paramref name="weight"/> and each rank's gradient that of its
    /// mean loss, the result is the gradient of the mean loss over the whole global batch — also when the parts differ
    /// in size (a last, short batch). One extra all-reduce of the weight, then one per bucket.
    /// </summary>
    /// <param name="gradients">One tensor per layout tensor, same order, shapes and element types (any strides).</param>
    /// <param name="weight">This rank's weight (0 or more; at least one rank's must be positive).</param>
    public void AllReduceWeightedMean(IReadOnlyList<Tensor> gradients, double weight)
    {
        Guard.NonNegative(weight);
        CheckGradients(gradients);
        Span<double> total = [weight];
        _backend.AllReduceSum(total);
        if (!(total[0] > 0))
            throw new InvalidOperationException($"The gradient weights summed over the {_backend.Size} rank(s) are {total[0]}; at least one rank must have a positive weight (its number of samples in the step).");
        Reduce(gradients, weight, 1.0 / total[0]);
    }

    /// <summary>
    /// Replaces each gradient by <paramref name="scale"/> × its sum over all ranks, in place (<see cref="AllReduceMean"/>
    /// uses 1/size).
    /// </summary>
    public void AllReduce(IReadOnlyList<Tensor> gradients, double scale) => Reduce(gradients, 1.0, scale);

    // g ← postScale · Σ_ranks (preScale · g): preScale is this rank's own factor, postScale the same on every rank.
    private void Reduce(IReadOnlyList<Tensor> gradients, double preScale, double postScale)
    {
        CheckGradients(gradients);
        using var noGrad = no_grad();
        if (_backend.Size == 1)
        {
            double scale = preScale * postScale;
            if (scale != 1.0) foreach (var g in gradients) g.mul_(scale);
            return;
        }
        foreach (var bucket in _buckets)
        {
            foreach (int i in bucket.Members) _slots[i].View.copy_(gradients[i]);
            if (preScale != 1.0) bucket.Buffer.mul_(preScale);
            _backend.AllReduceSum(bucket.Buffer);
            if (postScale != 1.0) bucket.Buffer.mul_(postScale);
            foreach (int i in bucket.Members) gradients[i].copy_(_slots[i].View);
        }
    }

    private void CheckGradients(IReadOnlyList<Tensor> gradients)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(gradients);
        if (gradients.Count != _shapes.Length)
            throw new ArgumentException($"GradientBucketer was laid out for {_shapes.Length} tensors; received {gradients.Count} gradients.", nameof(gradients));
        for (int i = 0; i < gradients.Count; i++)
        {
            var g = gradients[i]
                ?? throw new ArgumentException($"Gradient {i} (expected shape [{string.Join(", ", _shapes[i])}]) is null. Every rank must reduce every gradient: zero the missing ones instead of leaving them null.", nameof(gradients));
            if (g.dtype != _types[i] || !g.shape.SequenceEqual(_shapes[i]))
                throw new ArgumentException($"Gradient {i} is {g.dtype} [{string.Join(", ", g.shape)}]; the bucketer was laid out for {_types[i]} [{string.Join(", ", _shapes[i])}].", nameof(gradients));
        }
    }

    /// <summary>Releases the bucket buffers.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var (_, view) in _slots) view?.Dispose();
        foreach (var bucket in _buckets) bucket.Buffer.Dispose();
    }

    private sealed record Bucket(Tensor Buffer, int[] Members);
}
