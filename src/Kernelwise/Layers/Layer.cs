using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Kernelwise.Layers;

/// <summary>Trainable and non-trainable parameter counts of one layer.</summary>
/// <param name="Trainable">Values updated by the optimizer (weights, biases, batch-norm scale and shift).</param>
/// <param name="NonTrainable">Values kept but not trained (batch-norm running mean and variance, Keras's convention).</param>
public readonly record struct ParameterCount(long Trainable, long NonTrainable)
{
    /// <summary>Trainable plus non-trainable.</summary>
    public long Total => Trainable + NonTrainable;

    /// <summary>Sum of two counts.</summary>
    public static ParameterCount operator +(ParameterCount a, ParameterCount b) => new(a.Trainable + b.Trainable, a.NonTrainable + b.NonTrainable);
}

/// <summary>
/// A layer description: its configuration, its shape rule and a factory for the TorchSharp module that computes it.
/// </summary>
/// <remarks>
/// <para>Keras's split, adapted to a model whose input shape is declared first: the constructor stores and validates
/// arguments (<see cref="ArgumentException"/> naming the argument); <see cref="ComputeOutputShape"/> checks the input
/// shape and does the arithmetic (<see cref="ModelBuildException"/> naming the layer); <see cref="CreateModule"/>
/// allocates the weights once the input is known — the lazy build, done when the model is built, so the weights
/// exist before the first training step and are never created inside a training step's dispose scope.</para>
/// <para>Ownership: the module returned by <see cref="CreateModule"/> belongs to the model that built it and is
/// disposed with it.</para>
/// </remarks>
public abstract class Layer
{
    private string? _name;

    /// <summary>Stores the optional name; a null name is assigned at build time (<c>conv2d</c>, <c>conv2d_1</c>, ...).</summary>
    protected Layer(string? name)
    {
        if (name is not null)
        {
            if (string.IsNullOrWhiteSpace(name) || name.Contains('.') || name.Any(char.IsWhiteSpace))
                throw new ArgumentException($"Invalid value for argument name. Expected a non-empty name without dots or spaces. Received name='{name}'.", nameof(name));
        }
        RequestedName = name;
    }

    /// <summary>The name given by the user, if any.</summary>
    public string? RequestedName { get; }

    /// <summary>The layer's name in the model (unique), used in summaries, errors and weight names.</summary>
    public string Name => _name ?? RequestedName ?? DefaultNamePrefix;

    internal void AssignName(string name) => _name = name;

    /// <summary>The type shown in the summary, e.g. <c>Conv2D</c>.</summary>
    public virtual string TypeName => GetType().Name;

    /// <summary>The prefix of generated names: the type in snake case, as Keras does (<c>max_pooling2d</c>).</summary>
    public virtual string DefaultNamePrefix => ToSnakeCase(TypeName);

    /// <summary>
    /// Checks that this layer can accept <paramref name="input"/> and returns its output shape, by arithmetic alone.
    /// Throws <see cref="ModelBuildException"/> naming the layer, the input and the rule that failed.
    /// </summary>
    public abstract Shape ComputeOutputShape(Shape input);

    /// <summary>Parameter counts for the given input shape (arithmetic only).</summary>
    public virtual ParameterCount CountParameters(Shape input) => default;

    /// <summary>
    /// Multiply-accumulate operations per sample in the forward pass (arithmetic only); 0 for layers without
    /// multiplications worth counting.
    /// </summary>
    public virtual long CountMultiplyAccumulates(Shape input, Shape output) => 0;

    /// <summary>
    /// How this layer maps output positions to input positions along each spatial dimension, for the receptive-field
    /// column of the summary: a window of <c>Kernel</c> (dilated) with step <c>Stride</c>. Null when the layer has no
    /// spatial window (Dense, Flatten) or leaves positions unchanged.
    /// </summary>
    public virtual SpatialWindow? GetSpatialWindow(Shape input) => null;

    /// <summary>Nested layers, for composite layers (residual blocks, branches); empty for plain layers.</summary>
    public virtual IReadOnlyList<Layer> Children => Array.Empty<Layer>();

    /// <summary>Names this layer (composite layers also name their children, in order).</summary>
    public virtual void AssignNames(NameAllocator names)
    {
        ArgumentNullException.ThrowIfNull(names);
        names.Assign(this);
    }

    /// <summary>
    /// True when this layer's output is a tensor one of its children (or its input) already produced, so the summary's
    /// activation count must not count it twice (a composite's path, a pass-through side output).
    /// </summary>
    internal virtual bool ReusesOutput => false;

    /// <summary>Summary rows for nested layers (composite layers); empty for plain layers.</summary>
    public virtual IEnumerable<LayerDescription> DescribeChildren(Shape input, int depth) => Array.Empty<LayerDescription>();

    /// <summary>
    /// Creates the TorchSharp module for <paramref name="input"/> (called once, after <see cref="ComputeOutputShape"/>
    /// succeeded). Parameters follow PyTorch's names (<c>weight</c>, <c>bias</c>) and initialisation.
    /// </summary>
    public abstract nn.Module<Tensor, Tensor> CreateModule(Shape input);

    /// <summary>A build error naming this layer and its input.</summary>
    protected ModelBuildException BuildError(Shape input, string problem)
        => new(Name, $"Layer '{Name}' ({TypeName}) cannot accept input {input}: {problem}");

    /// <summary>Requires an input of exactly <paramref name="rank"/> dimensions (batch excluded).</summary>
    protected void RequireRank(Shape input, int rank, string layout)
    {
        if (input.Rank != rank)
        {
            throw new ModelBuildException(Name,
                $"Layer '{Name}' ({TypeName}) expected input with {rank + 1} dimensions (batch, {layout}); received {input} with {input.Rank + 1}.");
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({TypeName})";

    internal static string ToSnakeCase(string s)
    {
        var b = new StringBuilder();
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && char.IsLower(s[i - 1])) b.Append('_');
                else if (i > 0 && i + 1 < s.Length && char.IsUpper(s[i - 1]) && char.IsLower(s[i + 1])) b.Append('_');
                b.Append(char.ToLowerInvariant(c));
            }
            else b.Append(c);
        }
        return b.ToString();
    }
}

/// <summary>A sliding window along each spatial dimension (kernel, stride, dilation), for receptive-field arithmetic.</summary>
/// <param name="Kernel">Window size per spatial dimension.</param>
/// <param name="Stride">Step per spatial dimension.</param>
/// <param name="Dilation">Dilation per spatial dimension.</param>
/// <param name="PaddingBefore">Padding before the first element, per spatial dimension (shifts the window's start).</param>
/// <remarks>
/// A layer whose outputs do not sit on a regular grid of integer steps over its input — upsampling, a transposed
/// convolution with stride above 1, adaptive pooling whose output size does not divide the input, a reshape — returns
/// <see cref="Irregular"/>: neighbouring outputs are a fraction of an input pixel apart (or not neighbours at all), so
/// the integer receptive field and jump of the summary are not defined from that layer on and show as "-".
/// </remarks>
public sealed record SpatialWindow(int[] Kernel, int[] Stride, int[] Dilation, int[] PaddingBefore)
{
    /// <summary>True for a layer that breaks the regular input-to-output grid (see the remarks).</summary>
    public bool IsIrregular { get; init; }

    /// <summary>A window that ends receptive-field arithmetic (upsampling, strided transposed convolution, reshape).</summary>
    public static SpatialWindow Irregular(int rank)
    {
        var ones = Enumerable.Repeat(1, rank).ToArray();
        return new SpatialWindow(ones, ones, ones, new int[rank]) { IsIrregular = true };
    }
}
