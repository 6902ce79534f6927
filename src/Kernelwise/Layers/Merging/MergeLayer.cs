using static TorchSharp.torch;

namespace Kernelwise.Layers;

/// <summary>
/// Base of the layers that combine several tensors into one — <see cref="Add"/>, <see cref="Subtract"/>,
/// <see cref="Multiply"/>, <see cref="Average"/>, <see cref="Maximum"/>, <see cref="Concatenate"/> (Keras's
/// <c>keras.layers.Add()([x, y])</c>). They have no weights and are applied to symbolic tensors in a functional model:
/// <c>var sum = new Add().Apply(x, y);</c> or <c>Merge.Add(x, y)</c>.
/// </summary>
public abstract class MergeLayer : Layer
{
    /// <summary>Stores the optional name.</summary>
    protected MergeLayer(string? name) : base(name)
    {
    }

    /// <summary>Fewest inputs the layer takes (2).</summary>
    public virtual int MinimumInputs => 2;

    /// <summary>Most inputs the layer takes (no limit unless a layer says so).</summary>
    public virtual int MaximumInputs => int.MaxValue;

    /// <summary>Applies the layer to <paramref name="inputs"/> and returns the merged tensor.</summary>
    /// <exception cref="ModelBuildException">The inputs' shapes cannot be merged; the message names the layer and each input.</exception>
    public SymbolicTensor Apply(params SymbolicTensor[] inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        for (int i = 0; i < inputs.Length; i++) ArgumentNullException.ThrowIfNull(inputs[i], $"inputs[{i}]");
        return ApplyToAll(inputs);
    }

    /// <summary>A merge layer needs several inputs: the single-input form is always an error.</summary>
    public sealed override Shape ComputeOutputShape(Shape input)
        => throw new ModelBuildException(Name, $"Layer '{Name}' ({TypeName}) merges {MinimumInputs} or more tensors; it received one, {input}.");

    /// <inheritdoc />
    public sealed override Shape ComputeOutputShape(IReadOnlyList<Shape> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count < MinimumInputs || inputs.Count > MaximumInputs)
        {
            string expected = MaximumInputs == MinimumInputs ? $"exactly {MinimumInputs}" : $"{MinimumInputs} or more";
            throw new ModelBuildException(Name, $"Layer '{Name}' ({TypeName}) merges {expected} tensors; it received {inputs.Count}: {string.Join(", ", inputs)}.");
        }
        return ComputeMergedShape(inputs);
    }

    /// <summary>The merged shape, after checking that the inputs fit together.</summary>
    protected abstract Shape ComputeMergedShape(IReadOnlyList<Shape> inputs);

    /// <summary>Merges the input tensors (fresh result; the inputs are neither modified nor disposed).</summary>
    protected abstract Tensor Merge(IReadOnlyList<Tensor> inputs);

    /// <summary>The merged result of a batch of input tensors (as <see cref="Merge"/>), for use outside a graph.</summary>
    public Tensor Call(params Tensor[] inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return Merge(inputs);
    }

    /// <summary>A merge layer has no single-input module.</summary>
    public sealed override nn.Module<Tensor, Tensor> CreateModule(Shape input)
        => throw new ModelBuildException(Name, $"Layer '{Name}' ({TypeName}) merges several tensors and is only used in a functional model.");

    internal override nn.Module CreateNodeModule(IReadOnlyList<Shape> inputs) => new MergeModule(Name);

    internal override Tensor Invoke(nn.Module module, Tensor[] inputs) => Merge(inputs);

    /// <inheritdoc />
    public override ParameterCount CountParameters(IReadOnlyList<Shape> inputs) => default;

    /// <inheritdoc />
    public override long CountMultiplyAccumulates(IReadOnlyList<Shape> inputs, Shape output) => 0;

    /// <summary>Requires every input to have the same shape (element-wise merges); the error names each input shape.</summary>
    protected Shape RequireSameShapes(IReadOnlyList<Shape> inputs)
    {
        for (int i = 1; i < inputs.Count; i++)
        {
            if (inputs[i] != inputs[0])
            {
                throw new ModelBuildException(Name,
                    $"Layer '{Name}' ({TypeName}) combines tensors element by element, so they need the same shape; input 0 is {inputs[0]} but input {i} is {inputs[i]}.");
            }
        }
        return inputs[0];
    }

    /// <summary>The weightless module that stands for a merge layer among a graph's children.</summary>
    private sealed class MergeModule : nn.Module
    {
        public MergeModule(string name) : base(name)
        {
        }
    }
}

/// <summary>Element-wise sum of two or more tensors of the same shape (Keras's <c>Add</c>): the residual connection of a functional ResNet.</summary>
public sealed class Add : MergeLayer
{
    /// <summary>Creates the layer.</summary>
    public Add(string? name = null) : base(name)
    {
    }

    /// <inheritdoc />
    protected override Shape ComputeMergedShape(IReadOnlyList<Shape> inputs) => RequireSameShapes(inputs);

    /// <inheritdoc />
    protected override Tensor Merge(IReadOnlyList<Tensor> inputs)
    {
        var sum = inputs[0].add(inputs[1]);
        for (int i = 2; i < inputs.Count; i++) sum.add_(inputs[i]);
        return sum;
    }
}

/// <summary>Element-wise difference of exactly two tensors of the same shape, first minus second (Keras's <c>Subtract</c>).</summary>
public sealed class Subtract : MergeLayer
{
    /// <summary>Creates the layer.</summary>
    public Subtract(string? name = null) : base(name)
    {
    }

    /// <inheritdoc />
    public override int MaximumInputs => 2;

    /// <inheritdoc />
    protected override Shape ComputeMergedShape(IReadOnlyList<Shape> inputs) => RequireSameShapes(inputs);

    /// <inheritdoc />
    protected override Tensor Merge(IReadOnlyList<Tensor> inputs) => inputs[0].sub(inputs[1]);
}

/// <summary>Element-wise product of two or more tensors of the same shape (Keras's <c>Multiply</c>): gates and attention masks.</summary>
public sealed class Multiply : MergeLayer
{
    /// <summary>Creates the layer.</summary>
    public Multiply(string? name = null) : base(name)
    {
    }

    /// <inheritdoc />
    protected override Shape ComputeMergedShape(IReadOnlyList<Shape> inputs) => RequireSameShapes(inputs);

    /// <inheritdoc />
    protected override Tensor Merge(IReadOnlyList<Tensor> inputs)
    {
        var product = inputs[0].mul(inputs[1]);
        for (int i = 2; i < inputs.Count; i++) product.mul_(inputs[i]);
        return product;
    }
}

/// <summary>Element-wise mean of two or more tensors of the same shape (Keras's <c>Average</c>): ensembles of heads.</summary>
public sealed class Average : MergeLayer
{
    /// <summary>Creates the layer.</summary>
    public Average(string? name = null) : base(name)
    {
    }

    /// <inheritdoc />
    protected override Shape ComputeMergedShape(IReadOnlyList<Shape> inputs) => RequireSameShapes(inputs);

    /// <inheritdoc />
    protected override Tensor Merge(IReadOnlyList<Tensor> inputs)
    {
        var sum = inputs[0].add(inputs[1]);
        for (int i = 2; i < inputs.Count; i++) sum.add_(inputs[i]);
        return sum.div_(inputs.Count);
    }
}

/// <summary>Element-wise maximum of two or more tensors of the same shape (Keras's <c>Maximum</c>).</summary>
public sealed class Maximum : MergeLayer
{
    /// <summary>Creates the layer.</summary>
    public Maximum(string? name = null) : base(name)
    {
    }

    /// <inheritdoc />
    protected override Shape ComputeMergedShape(IReadOnlyList<Shape> inputs) => RequireSameShapes(inputs);

    /// <inheritdoc />
    protected override Tensor Merge(IReadOnlyList<Tensor> inputs)
    {
        var result = inputs[0].maximum(inputs[1]);
        for (int i = 2; i < inputs.Count; i++)
        {
            var next = result.maximum(inputs[i]);
            result.Dispose();
            result = next;
        }
        return result;
    }
}

/// <summary>
/// Joins two or more tensors along one axis (Keras's <c>Concatenate</c>); by default the channel axis 1 of NCHW
/// batches, as U-Net's skip connections and Inception's branches do. All other dimensions must agree.
/// </summary>
public sealed class Concatenate : MergeLayer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="axis">The axis of the batched tensor (batch is axis 0): 1 for channels (default); negative counts from the end.</param>
    /// <param name="name">Layer name; generated when null.</param>
    public Concatenate(int axis = 1, string? name = null) : base(name)
    {
        if (axis == 0)
            throw new ArgumentOutOfRangeException(nameof(axis), axis, "Invalid value for argument axis of Concatenate. Expected an axis other than 0 (the batch). Received axis=0.");
        Axis = axis;
    }

    /// <summary>The axis of the batched tensor along which the inputs are joined.</summary>
    public int Axis { get; }

    /// <inheritdoc />
    protected override Shape ComputeMergedShape(IReadOnlyList<Shape> inputs)
    {
        int rank = inputs[0].Rank;
        int sampleAxis = Axis > 0 ? Axis - 1 : rank + Axis;
        if (sampleAxis < 0 || sampleAxis >= rank)
            throw new ModelBuildException(Name, $"Layer '{Name}' (Concatenate) joins along axis {Axis}, but its input {inputs[0]} has {rank + 1} dimensions (batch included).");
        long total = 0;
        for (int i = 0; i < inputs.Count; i++)
        {
            var s = inputs[i];
            bool fits = s.Rank == rank && Enumerable.Range(0, rank).All(d => d == sampleAxis || s[d] == inputs[0][d]);
            if (!fits)
            {
                throw new ModelBuildException(Name,
                    $"Layer '{Name}' (Concatenate) joins along axis {Axis}, so all other dimensions must agree; input 0 is {inputs[0]} but input {i} is {s}.");
            }
            total += s[sampleAxis];
        }
        if (total > int.MaxValue) throw new ModelBuildException(Name, $"Layer '{Name}' (Concatenate): the joined size {total} exceeds {int.MaxValue}.");
        var dims = inputs[0].ToArray();
        dims[sampleAxis] = (int)total;
        return new Shape(dims);
    }

    /// <inheritdoc />
    protected override Tensor Merge(IReadOnlyList<Tensor> inputs) => cat(inputs.ToArray(), Axis);
}
