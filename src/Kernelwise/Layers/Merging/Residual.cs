using Kernelwise.Shapes;
using static TorchSharp.torch;

namespace Kernelwise.Layers;

/// <summary>
/// A residual block (He et al., 2015): y = act(main(x) + shortcut(x)), with the identity as the default shortcut —
/// the building block of ResNet. Both paths see the same input; their outputs must have the same shape.
/// </summary>
/// <remarks>
/// <para>Shapes are checked when the model is built: when the main path changes the channels or the spatial size
/// (a strided or wider convolution) the identity no longer fits, and the error names the block and both shapes. Give
/// the shortcut a projection then, as ResNet does: <c>shortcut: s => s.Conv2D(128, 1, strides: 2, useBias: false).BatchNormalization()</c>.</para>
/// <para>State dict names nest: <c>{block}.main.{layer}.{tensor}</c> and <c>{block}.shortcut.{layer}.{tensor}</c>,
/// e.g. <c>residual.main.conv2d_3.weight</c>. Parameters and multiply-accumulates include both paths (the addition
/// itself is not counted).</para>
/// <para>Keras builds the same block with the functional API (<c>layers.Add()([x, y])</c>); PyTorch with a module whose
/// <c>forward</c> adds the two paths (torchvision's <c>BasicBlock</c>).</para>
/// </remarks>
public sealed class Residual : Layer, IHasActivation
{
    /// <summary>Creates the block.</summary>
    /// <param name="main">The main path (a sub-builder without input shape).</param>
    /// <param name="shortcut">The shortcut path; null or an empty builder for the identity.</param>
    /// <param name="activation">Activation applied after the addition (ReLU in ResNet); linear by default.</param>
    /// <param name="name">Layer name; generated when null (<c>residual</c>, <c>residual_1</c>...).</param>
    public Residual(LayerStack main, LayerStack? shortcut = null, Activation activation = Activation.Linear, string? name = null) : base(name)
    {
        ArgumentNullException.ThrowIfNull(main);
        if (main.Layers.Count == 0)
            throw new ArgumentException("Invalid value for argument main of Residual. Expected at least one layer on the main path. Received an empty builder.", nameof(main));
        Main = new Branch("main", main);
        Shortcut = shortcut is null || shortcut.Layers.Count == 0 ? null : new Branch("shortcut", shortcut);
        Activation = activation;
    }

    /// <summary>The main path.</summary>
    public Branch Main { get; }

    /// <summary>The shortcut path; null for the identity.</summary>
    public Branch? Shortcut { get; }

    /// <summary>Activation applied after the addition.</summary>
    public Activation Activation { get; }

    /// <inheritdoc />
    public override IReadOnlyList<Layer> Children => Shortcut is null ? new Layer[] { Main } : new Layer[] { Main, Shortcut };

    /// <summary>Names the block, then the layers of the main path, then those of the shortcut.</summary>
    public override void AssignNames(NameAllocator names)
    {
        ArgumentNullException.ThrowIfNull(names);
        names.Assign(this);
        Main.AssignNames(names);
        Shortcut?.AssignNames(names);
    }

    /// <summary>
    /// The main path's output shape, after checking that the shortcut (or the identity) produces the same one.
    /// </summary>
    public override Shape ComputeOutputShape(Shape input)
    {
        var main = Within(Main, () => Main.ComputeOutputShape(input));
        var shortcut = Shortcut is null ? input : Within(Shortcut, () => Shortcut.ComputeOutputShape(input));
        if (main != shortcut)
        {
            string shortcutText = Shortcut is null ? "the identity shortcut passes the input" : "the shortcut path outputs";
            string hint = Shortcut is null ? $" Give the block a projection shortcut, e.g. shortcut: s => s.Conv2D({main.Channels}, 1{StrideHint(input, main)}).BatchNormalization()." : "";
            throw new ModelBuildException(Name,
                $"Residual block '{Name}' cannot add its paths for input {input}: the main path outputs {main} but {shortcutText} {shortcut}; both must have the same shape.{hint}");
        }
        return main;
    }

    /// <inheritdoc />
    public override ParameterCount CountParameters(Shape input)
        => Main.CountParameters(input) + (Shortcut?.CountParameters(input) ?? default);

    /// <inheritdoc />
    public override long CountMultiplyAccumulates(Shape input, Shape output)
        => Main.CountMultiplyAccumulates(input, output) + (Shortcut?.CountMultiplyAccumulates(input, output) ?? 0);

    /// <inheritdoc />
    public override SpatialWindow? GetSpatialWindow(Shape input)
        => CompositeWindow.Merge(new[] { Main.GetSpatialWindow(input), Shortcut?.GetSpatialWindow(input) ?? Identity(input) });

    /// <summary>A row for each path, each followed by its layers.</summary>
    public override IEnumerable<LayerDescription> DescribeChildren(Shape input, int depth)
    {
        foreach (var path in Children.Cast<Branch>())
        {
            var output = path.ComputeOutputShape(input);
            var window = path.GetSpatialWindow(input);
            yield return new LayerDescription(path, input, output, path.CountParameters(input), path.CountMultiplyAccumulates(input, output), depth,
                window?.Kernel, window?.Stride);
            foreach (var row in path.DescribeChildren(input, depth + 1)) yield return row;
        }
    }

    /// <summary>
    /// A module with children <c>main</c> and (when not the identity) <c>shortcut</c>; forward computes
    /// act(main(x) + shortcut(x)).
    /// </summary>
    public override nn.Module<Tensor, Tensor> CreateModule(Shape input)
        => new ResidualModule(Name, Main.CreateModule(input), Shortcut?.CreateModule(input), Activation);

    private T Within<T>(Branch path, Func<T> f)
    {
        try
        {
            return f();
        }
        catch (ModelBuildException e)
        {
            throw new ModelBuildException(e.LayerName, $"{e.Message} (in the {path.Name} path of residual block '{Name}')");
        }
    }

    private static SpatialWindow? Identity(Shape input)
    {
        int n = input.Rank - 1;
        if (n <= 0) return null;
        var ones = Enumerable.Repeat(1, n).ToArray();
        return new SpatialWindow(ones, ones, ones, new int[n]);
    }

    private static string StrideHint(Shape input, Shape main)
    {
        if (input.Rank != main.Rank || input.Rank < 2) return "";
        var strides = new int[input.Rank - 1];
        for (int i = 1; i < input.Rank; i++)
        {
            if (main[i] == 0 || input[i] % main[i] != 0) return "";
            strides[i - 1] = input[i] / main[i];
        }
        if (strides.All(s => s == 1)) return "";
        return strides.Distinct().Count() == 1 ? $", strides: {strides[0]}" : $", strides: ({string.Join(", ", strides)})";
    }
}
