using static TorchSharp.torch;

namespace Kernelwise.Data;

/// <summary>
/// Several datasets one after the other — PyTorch's <c>ConcatDataset</c>: index i of the concatenation is index
/// i − offset of the part that holds it. Samples must have the same shape in every part.
/// </summary>
public sealed class ConcatDataset : Dataset
{
    private readonly Dataset[] _parts;
    private readonly long[] _offsets; // _offsets[k] = first index of part k; _offsets[^1] = Count

    /// <summary>Concatenates <paramref name="datasets"/>, in order.</summary>
    public ConcatDataset(IEnumerable<Dataset> datasets)
    {
        ArgumentNullException.ThrowIfNull(datasets);
        _parts = datasets.ToArray();
        if (_parts.Length == 0) throw new ArgumentException("Invalid value for argument datasets. Expected at least one dataset. Received none.", nameof(datasets));
        _offsets = new long[_parts.Length + 1];
        for (int k = 0; k < _parts.Length; k++)
        {
            if (_parts[k] is null) throw new ArgumentException($"Invalid value for argument datasets. Expected datasets. Received null at position {k}.", nameof(datasets));
            _offsets[k + 1] = _offsets[k] + _parts[k].Count;
        }
        LoaderOptions = _parts.MaxBy(p => p.LoaderOptions.NumWorkers)!.LoaderOptions;
    }

    /// <summary>Concatenates <paramref name="datasets"/>, in order.</summary>
    public ConcatDataset(params Dataset[] datasets)
        : this((IEnumerable<Dataset>)datasets)
    {
    }

    /// <summary>The parts, in order.</summary>
    public IReadOnlyList<Dataset> Datasets => _parts;

    internal override IEnumerable<Dataset> Sources => _parts;

    /// <summary>
    /// The same parts, in order, each with <paramref name="transform"/> attached (replacing its transform). See
    /// <see cref="Dataset.WithTransform"/>.
    /// </summary>
    public override ConcatDataset WithTransform(TransformPipeline transform)
    {
        ArgumentNullException.ThrowIfNull(transform);
        return new ConcatDataset(_parts.Select(p => p.WithTransform(transform)));
    }

    /// <inheritdoc />
    public override long Count => _offsets[^1];

    /// <inheritdoc />
    public override (Tensor Input, Tensor Target) GetExample(long index) => GetExample(index, BatchContext.Default);

    /// <inheritdoc />
    public override (Tensor Input, Tensor Target) GetExample(long index, BatchContext context)
    {
        var (part, local) = Locate(CheckIndex(index));
        return _parts[part].GetExample(local, context);
    }

    /// <inheritdoc />
    public override Batch GetBatch(long[] indices) => GetBatch(indices, BatchContext.Default);

    /// <summary>
    /// One batch per part holding some of the indices, concatenated and reordered to the order asked for. When a part
    /// leaves samples out (bad files under a skip policy), the remaining samples come in part order instead.
    /// </summary>
    public override Batch GetBatch(long[] indices, BatchContext context)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var byPart = new SortedDictionary<int, List<(int Position, long Local)>>();
        for (int i = 0; i < indices.Length; i++)
        {
            var (part, local) = Locate(CheckIndex(indices[i]));
            if (!byPart.TryGetValue(part, out var list)) byPart[part] = list = new();
            list.Add((i, local));
        }
        if (byPart.Count == 1)
        {
            var (part, list) = byPart.First();
            return _parts[part].GetBatch(list.Select(e => e.Local).ToArray(), context);
        }
        var batches = new List<Batch>();
        try
        {
            var positions = new List<int>();
            bool complete = true;
            foreach (var (part, list) in byPart)
            {
                var batch = _parts[part].GetBatch(list.Select(e => e.Local).ToArray(), context);
                batches.Add(batch);
                complete &= batch.Size == list.Count;
                positions.AddRange(list.Select(e => e.Position));
            }
            var nonEmpty = batches.Where(b => b.Size > 0).ToList();
            if (nonEmpty.Count == 0) return new Batch(empty(0, 0, 0, 0), empty(0, dtype: ScalarType.Int64));
            using var inputs = cat(nonEmpty.Select(b => b.Inputs).ToList(), 0);
            using var targets = cat(nonEmpty.Select(b => b.Targets).ToList(), 0);
            if (!complete) return new Batch(inputs.alias(), targets.alias());
            // positions[j] = where row j belongs; invert to gather the rows in the requested order.
            var gather = new long[positions.Count];
            for (int j = 0; j < positions.Count; j++) gather[positions[j]] = j;
            using var idx = tensor(gather);
            return new Batch(inputs.index_select(0, idx), targets.index_select(0, idx));
        }
        finally
        {
            foreach (var b in batches) b.Dispose();
        }
    }

    private (int Part, long Local) Locate(long index)
    {
        int k = Array.BinarySearch(_offsets, index);
        if (k < 0) k = ~k - 1;
        while (k + 1 < _offsets.Length && _offsets[k + 1] == index) k++; // skip empty parts
        return (k, index - _offsets[k]);
    }
}
