using TorchSharp;
using static TorchSharp.torch;

namespace Kernelwise.Layers;

/// <summary>
/// The fluent model builder: an input shape, then layers in order — Keras's <c>Sequential</c>.
/// <code>
/// var model = new Sequential(new Shape(1, 28, 28))
///     .Conv2D(32, 5, padding: Padding.Same, activation: Activation.ReLU)
///     .MaxPooling2D(2)
///     .Flatten()
///     .Dense(10)
///     .Build();
/// </code>
/// </summary>
/// <remarks>
/// Every fluent method returns this builder. Shapes are inferred layer by layer from the declared input, so
/// <see cref="Summary"/> and every shape error come from arithmetic alone, before any tensor exists; <c>Build()</c>
/// then allocates the weights. A builder without an input shape is a sub-builder for composite layers (its input is
/// the shape flowing into the composite).
/// </remarks>
public sealed class Sequential
{
    private readonly List<Layer> _layers = new();

    /// <summary>Starts a model whose samples have shape <paramref name="input"/> (NCHW without the batch: (channels, height, width)).</summary>
    public Sequential(Shape input, string name = "sequential")
    {
        ArgumentNullException.ThrowIfNull(input);
        InputShape = input;
        Name = Guard.NotEmpty(name);
    }

    /// <summary>Starts a sub-builder (for residual blocks and branches) that takes its input shape from its context.</summary>
    public Sequential(string name = "sequential")
    {
        Name = Guard.NotEmpty(name);
    }

    /// <summary>The model's name.</summary>
    public string Name { get; }

    /// <summary>The declared input shape (null for a sub-builder).</summary>
    public Shape? InputShape { get; }

    /// <summary>The layers added so far.</summary>
    public IReadOnlyList<Layer> Layers => _layers;

    /// <summary>Appends a layer.</summary>
    /// <returns>The same builder, so calls can be chained.</returns>
    public Sequential Add(Layer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        _layers.Add(layer);
        return this;
    }

    /// <summary>Assigns names to all layers (Keras-style, unique per model).</summary>
    public void AssignNames(NameAllocator names)
    {
        foreach (var l in _layers) l.AssignNames(names);
    }

    /// <summary>
    /// Checks every layer against the shape it receives and describes it (shapes, parameters, MACs, receptive field),
    /// without creating tensors. Throws <see cref="ModelBuildException"/> at the first layer that cannot fit.
    /// </summary>
    public (IReadOnlyList<LayerDescription> Rows, Shape Output) Describe(Shape input, int depth = 0)
    {
        ArgumentNullException.ThrowIfNull(input);
        var rows = new List<LayerDescription>();
        var shape = input;
        int[]? rf = Enumerable.Repeat(1, input.Rank - 1).ToArray();
        int[]? jump = Enumerable.Repeat(1, input.Rank - 1).ToArray();
        if (rf.Length == 0) rf = jump = null;
        foreach (var layer in _layers)
        {
            var output = layer.ComputeOutputShape(shape);
            var window = layer.GetSpatialWindow(shape);
            int[]? rfIn = rf, jumpIn = jump;
            if (rf is not null && jump is not null)
            {
                (rf, jump) = Shapes.ReceptiveField.Propagate(rf, jump, shape, output, window);
            }
            rows.Add(new LayerDescription(layer, shape, output, layer.CountParameters(shape), layer.CountMultiplyAccumulates(shape, output),
                depth, rf is null ? null : (int[])rf.Clone(), jump is null ? null : (int[])jump.Clone()));
            // Nested rows carry receptive fields relative to the composite's input: re-express them in this builder's input.
            foreach (var child in layer.DescribeChildren(shape, depth + 1)) rows.Add(Rebase(child, rfIn, jumpIn));
            shape = output;
        }
        return (rows, shape);
    }

    private static LayerDescription Rebase(LayerDescription row, int[]? rf, int[]? jump)
    {
        if (row.ReceptiveField is null || row.Jump is null || rf is null || jump is null || row.ReceptiveField.Length != rf.Length)
            return row with { ReceptiveField = null, Jump = null };
        var r = new int[rf.Length];
        var j = new int[rf.Length];
        for (int i = 0; i < rf.Length; i++)
        {
            r[i] = rf[i] + (row.ReceptiveField[i] - 1) * jump[i];
            j[i] = jump[i] * row.Jump[i];
        }
        return row with { ReceptiveField = r, Jump = j };
    }

    /// <summary>The summary, computed from the declared input shape by arithmetic alone (no tensors, no libtorch).</summary>
    public ModelSummary Summary()
    {
        var input = RequireInput();
        AssignNames(new NameAllocator());
        var (rows, _) = Describe(input);
        return new ModelSummary(Name, input, rows, rows.Where(r => r.Depth == 0).Sum(r => r.Parameters.Trainable));
    }

    /// <summary>
    /// Creates the modules of this builder's layers for <paramref name="input"/>, as named children
    /// (layer name → module) of one TorchSharp <c>Sequential</c>; used by <c>Build()</c> and by composite layers.
    /// </summary>
    public nn.Module<Tensor, Tensor> CreateModule(Shape input)
    {
        var modules = new List<(string, nn.Module<Tensor, Tensor>)>();
        var shape = input;
        foreach (var layer in _layers)
        {
            var output = layer.ComputeOutputShape(shape);
            modules.Add((layer.Name, layer.CreateModule(shape)));
            shape = output;
        }
        return nn.Sequential(modules);
    }

    internal Shape RequireInput() => InputShape
        ?? throw new InvalidOperationException($"Model '{Name}' has no input shape: create it with new Sequential(new Shape(channels, height, width)).");
}
