using Kernelwise.Shapes;
using static TorchSharp.torch;

namespace Kernelwise.Layers;

/// <summary>
/// Parallel paths over the same input, joined by concatenation along the channel dimension — the Inception module
/// (Szegedy et al., 2014). Output (C₀ + C₁ + …, H, W): every path must produce the same spatial size.
/// </summary>
/// <remarks>
/// <para>Shapes are checked when the model is built; a path whose spatial size differs is named in the error with its
/// shape and the first path's. The paths are called <c>branch_0</c>, <c>branch_1</c>, ... in the summary and the
/// state dict: <c>{layer}.branch_1.{conv}.weight</c>. Parameters and multiply-accumulates include every path.</para>
/// <para>Keras builds the same module with the functional API and <c>layers.Concatenate(axis=1)</c>; PyTorch with a
/// module that calls <c>torch.cat([b(x) for b in branches], 1)</c> (torchvision's <c>Inception</c>).</para>
/// </remarks>
public sealed class Branches : Layer
{
    /// <summary>Creates the layer from two or more paths.</summary>
    /// <param name="paths">The paths (sub-builders without input shape); an empty one passes the input through.</param>
    /// <param name="name">Layer name; generated when null (<c>branches</c>, <c>branches_1</c>...).</param>
    public Branches(IEnumerable<LayerStack> paths, string? name = null) : base(name)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var list = paths.ToList();
        if (list.Count < 2)
            throw new ArgumentException($"Invalid value for argument paths of Branches. Expected at least 2 paths. Received {list.Count}.", nameof(paths));
        for (int i = 0; i < list.Count; i++)
        {
            if (list[i] is null)
                throw new ArgumentException($"Invalid value for argument paths of Branches. Expected a builder for every path. Received null for path {i}.", nameof(paths));
        }
        Paths = list.Select((p, i) => new Branch($"branch_{i}", p)).ToArray();
    }

    /// <summary>The paths, in concatenation order.</summary>
    public IReadOnlyList<Branch> Paths { get; }

    /// <inheritdoc />
    public override IReadOnlyList<Layer> Children => Paths;

    /// <summary>Names the layer, then the layers of each path in order.</summary>
    public override void AssignNames(NameAllocator names)
    {
        ArgumentNullException.ThrowIfNull(names);
        names.Assign(this);
        foreach (var p in Paths) p.AssignNames(names);
    }

    /// <summary>The concatenated shape: channels summed, spatial size shared by all paths.</summary>
    public override Shape ComputeOutputShape(Shape input)
    {
        var outputs = new Shape[Paths.Count];
        for (int i = 0; i < Paths.Count; i++)
        {
            try
            {
                outputs[i] = Paths[i].ComputeOutputShape(input);
            }
            catch (ModelBuildException e)
            {
                throw new ModelBuildException(e.LayerName, $"{e.Message} (in {Paths[i].Name} of '{Name}')");
            }
        }
        var first = outputs[0];
        for (int i = 1; i < outputs.Length; i++)
        {
            var o = outputs[i];
            if (o.Rank != first.Rank || !o.Spatial.SequenceEqual(first.Spatial))
            {
                throw new ModelBuildException(Name,
                    $"Layer '{Name}' (Branches) cannot concatenate its paths along channels for input {input}: {Paths[0].Name} outputs {first} but " +
                    $"{Paths[i].Name} outputs {o}; every path must keep the same {SpatialText(first)}.");
            }
        }
        long channels = outputs.Sum(o => (long)o.Channels);
        if (channels > int.MaxValue) throw BuildError(input, $"the concatenated channels {channels} exceed {int.MaxValue}.");
        var dims = first.ToArray();
        dims[0] = (int)channels;
        return new Shape(dims);
    }

    /// <inheritdoc />
    public override ParameterCount CountParameters(Shape input)
    {
        var total = default(ParameterCount);
        foreach (var p in Paths) total += p.CountParameters(input);
        return total;
    }

    /// <inheritdoc />
    public override long CountMultiplyAccumulates(Shape input, Shape output)
        => Paths.Sum(p => p.CountMultiplyAccumulates(input, p.ComputeOutputShape(input)));

    /// <inheritdoc />
    public override SpatialWindow? GetSpatialWindow(Shape input) => CompositeWindow.Merge(Paths.Select(p => p.GetSpatialWindow(input)));

    /// <summary>A row for each path, each followed by its layers.</summary>
    public override IEnumerable<LayerDescription> DescribeChildren(Shape input, int depth)
    {
        foreach (var path in Paths)
        {
            var output = path.ComputeOutputShape(input);
            var window = path.GetSpatialWindow(input);
            yield return new LayerDescription(path, input, output, path.CountParameters(input), path.CountMultiplyAccumulates(input, output), depth,
                window?.Kernel, window?.Stride);
            foreach (var row in path.DescribeChildren(input, depth + 1)) yield return row;
        }
    }

    /// <summary>A module with children <c>branch_0</c>, <c>branch_1</c>, ...; forward concatenates their outputs along dimension 1.</summary>
    public override nn.Module<Tensor, Tensor> CreateModule(Shape input)
        => new ConcatenateModule(Name, Paths.Select(p => (p.Name, p.CreateModule(input))).ToList());

    private static string SpatialText(Shape s) => s.Rank switch
    {
        1 => "shape (only channels differ)",
        2 => "length",
        3 => "height and width",
        _ => "spatial size",
    };
}
