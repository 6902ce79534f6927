namespace Kernelwise.Layers;

/// <summary>
/// A placeholder for a tensor in a model definition: its shape (batch excluded) and the layer application that
/// produces it — Keras's <c>KerasTensor</c>. Applying a layer to symbolic tensors records a <see cref="Node"/> and
/// returns the node's output, so a model is defined by wiring layers together before any weight exists:
/// <code>
/// var image = new Input(new Shape(1, 28, 28), "image");
/// var x = image.Conv2D(32, 3, activation: Activation.ReLU).MaxPooling2D(2);
/// var logits = x.Flatten().Dense(10);
/// var model = new Model(image, logits);
/// </code>
/// </summary>
/// <remarks>Shapes are checked as each layer is applied: a layer that cannot accept its input fails at that line,
/// with an error naming the layer and the tensor it was applied to.</remarks>
public class SymbolicTensor : ILayerChain<SymbolicTensor>
{
    internal SymbolicTensor(Shape shape, Node? node)
    {
        ArgumentNullException.ThrowIfNull(shape);
        Shape = shape;
        Node = node;
    }

    /// <summary>Shape of one sample (batch excluded; NCHW without N for images).</summary>
    public Shape Shape { get; }

    /// <summary>The layer application that produces this tensor; null for an <see cref="Input"/>.</summary>
    public Node? Node { get; }

    /// <summary>The name of the tensor's producer: the input's name, or the name of the layer that produced it.</summary>
    public virtual string ProducerName => Node!.Layer.Name;

    /// <summary>Applies <paramref name="layer"/> to this tensor (see <see cref="Layer.Apply(SymbolicTensor)"/>).</summary>
    public SymbolicTensor Then(Layer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return layer.Apply(this);
    }

    /// <inheritdoc />
    public override string ToString() => $"output of '{ProducerName}' {Shape}";
}

/// <summary>
/// A model input: a symbolic tensor with a declared shape and no producer — Keras's <c>keras.Input</c>.
/// </summary>
public sealed class Input : SymbolicTensor
{
    private string? _name;

    /// <summary>Declares an input of shape <paramref name="shape"/> (batch excluded: (channels, height, width) for images).</summary>
    /// <param name="shape">Shape of one sample.</param>
    /// <param name="name">Name of the input (used in summaries, errors and exported models); generated when null
    /// (<c>input</c>, <c>input_1</c>, ...).</param>
    public Input(Shape shape, string? name = null) : base(shape, null)
    {
        if (name is not null && (string.IsNullOrWhiteSpace(name) || name.Contains('.') || name.Any(char.IsWhiteSpace)))
            throw new ArgumentException($"Invalid value for argument name of Input. Expected a non-empty name without dots or spaces. Received name='{name}'.", nameof(name));
        RequestedName = name;
    }

    /// <summary>The name given by the user, if any.</summary>
    public string? RequestedName { get; }

    /// <summary>The input's name in its model.</summary>
    public string Name => _name ?? RequestedName ?? "input";

    /// <inheritdoc />
    public override string ProducerName => Name;

    internal void AssignName(string name) => _name = name;

    /// <inheritdoc />
    public override string ToString() => $"input '{Name}' {Shape}";
}

/// <summary>One application of a layer to symbolic tensors (Keras's <c>Node</c>): the layer, what it received and what it produced.</summary>
public sealed class Node
{
    internal Node(Layer layer, IReadOnlyList<SymbolicTensor> inputs, Shape output)
    {
        Layer = layer;
        Inputs = inputs;
        Output = new SymbolicTensor(output, this);
    }

    /// <summary>The layer applied.</summary>
    public Layer Layer { get; }

    /// <summary>The tensors it was applied to, in order.</summary>
    public IReadOnlyList<SymbolicTensor> Inputs { get; }

    /// <summary>The tensor it produced.</summary>
    public SymbolicTensor Output { get; }
}
