using Kernelwise.Shapes;
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
/// arguments (<see cref="ArgumentException"/> naming the argument); <see cref="ComputeOutputShape(Shape)"/> checks the input
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

    /// <summary>
    /// This layer's own precision policy, overriding the model's (Keras's per-layer dtype policy): e.g.
    /// <c>new Dense(10) { PrecisionPolicy = PrecisionPolicy.Float32 }</c> keeps the last layer in float32 in a
    /// mixed-precision model. Null (the default) follows the model.
    /// </summary>
    public PrecisionPolicy? PrecisionPolicy { get; init; }

    /// <summary>True for layers that always compute in float32 under mixed precision (normalisation statistics).</summary>
    internal virtual bool KeepsFloat32 => false;

    /// <summary>The layer's name in the model (unique), used in summaries, errors and weight names.</summary>
    public string Name => _name ?? RequestedName ?? DefaultNamePrefix;

    internal void AssignName(string name) => _name = name;

    /// <summary>The type shown in the summary, e.g. <c>Conv2D</c>.</summary>
    public virtual string TypeName => GetType().Name;

    /// <summary>The prefix of generated names: the type in snake case, as Keras does (<c>max_pooling2d</c>).</summary>
    public virtual string DefaultNamePrefix => Naming.ToSnakeCase(TypeName);

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
    /// Creates the TorchSharp module for <paramref name="input"/> (called once, after <see cref="ComputeOutputShape(Shape)"/>
    /// succeeded). Parameters follow PyTorch's names (<c>weight</c>, <c>bias</c>) and initialisation.
    /// </summary>
    public abstract nn.Module<Tensor, Tensor> CreateModule(Shape input);

    /// <summary>
    /// Applies this layer to a symbolic tensor (Keras's functional API, <c>layer(x)</c>): checks the shape, records the
    /// application and returns its output. Applying one layer object to several tensors in one model shares its
    /// weights; every application must then receive the same shape (checked when the model is created).
    /// </summary>
    /// <exception cref="ModelBuildException">The layer cannot accept the tensor; the message names the layer and the tensor.</exception>
    public SymbolicTensor Apply(SymbolicTensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return ApplyToAll(new[] { input });
    }

    /// <summary>Appends this layer to a chain (a <c>Sequential</c> definition or a path of a composite layer).</summary>
    internal SymbolicTensor ApplyInChain(SymbolicTensor input) => ApplyToAll(new[] { input }, nameEdges: false);

    /// <summary>Records an application to <paramref name="inputs"/> after checking their shapes (see <see cref="Apply(SymbolicTensor)"/>).</summary>
    /// <param name="inputs">The tensors.</param>
    /// <param name="nameEdges">Whether a shape error also names the tensors (functional models); a chain's error names the layer and its input shape already.</param>
    private protected SymbolicTensor ApplyToAll(IReadOnlyList<SymbolicTensor> inputs, bool nameEdges = true)
    {
        var shapes = inputs.Select(t => t.Shape).ToArray();
        Shape output;
        try
        {
            output = ComputeOutputShape(shapes);
        }
        catch (ModelBuildException e) when (nameEdges)
        {
            throw new ModelBuildException(e.LayerName, $"{e.Message} (applied to {string.Join(" and ", inputs)})", e);
        }
        return new Node(this, inputs.ToArray(), output).Output;
    }

    /// <summary>
    /// The output shape for the shapes of all inputs of a graph node. Single-input layers require exactly one and use
    /// <see cref="ComputeOutputShape(Shape)"/>; merge layers override it.
    /// </summary>
    public virtual Shape ComputeOutputShape(IReadOnlyList<Shape> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count != 1)
            throw new ModelBuildException(Name, $"Layer '{Name}' ({TypeName}) takes one input; received {inputs.Count}. Merge tensors first with a merge layer such as Add or Concatenate.");
        return ComputeOutputShape(inputs[0]);
    }

    /// <summary>Creates the module of a graph node for its input shapes (single-input layers: <see cref="CreateModule(Shape)"/>).</summary>
    internal virtual nn.Module CreateNodeModule(IReadOnlyList<Shape> inputs) => CreateModule(inputs[0]);

    /// <summary>Runs the module made by <see cref="CreateNodeModule"/> on a node's input tensors.</summary>
    internal virtual Tensor Invoke(nn.Module module, Tensor[] inputs) => ((nn.Module<Tensor, Tensor>)module).call(inputs[0]);

    /// <summary>Parameter counts for the shapes of a node's inputs (single-input layers: <see cref="CountParameters(Shape)"/>).</summary>
    public virtual ParameterCount CountParameters(IReadOnlyList<Shape> inputs) => CountParameters(inputs[0]);

    /// <summary>Multiply-accumulates for a node's input shapes (single-input layers: <see cref="CountMultiplyAccumulates(Shape, Shape)"/>).</summary>
    public virtual long CountMultiplyAccumulates(IReadOnlyList<Shape> inputs, Shape output) => CountMultiplyAccumulates(inputs[0], output);

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
}

