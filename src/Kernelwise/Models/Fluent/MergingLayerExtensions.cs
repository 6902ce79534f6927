using Kernelwise.Layers;

namespace Kernelwise.Models;

/// <summary>
/// Fluent builder methods for non-sequential structure inside a chain: residual blocks, parallel branches and
/// auxiliary heads. Each takes sub-builders as functions that receive a fresh <see cref="LayerStack"/> (it takes the
/// shape flowing into the block) and return it with layers added. Each returns the receiver (or, on a symbolic
/// tensor, the block's output).
/// <code>
/// model.Residual(b => b.Conv2D(64, 3, padding: 1, useBias: false).BatchNormalization().ReLU()
///                      .Conv2D(64, 3, padding: 1, useBias: false).BatchNormalization(),
///                activation: Activation.ReLU)
///      .Branches(b => b.Conv2D(64, 1),
///                b => b.Conv2D(96, 1).Conv2D(128, 3, padding: 1),
///                b => b.MaxPooling2D(3, strides: 1, padding: 1).Conv2D(32, 1));
/// </code>
/// For merges of separately computed tensors in a functional model, see <see cref="Merge"/>.
/// </summary>
public static class MergingLayerExtensions
{
    /// <summary>
    /// Appends a <see cref="Layers.Residual"/> block: act(main(x) + shortcut(x)), the identity shortcut by
    /// default. The shapes of both paths must agree; the error at build time names the block and both shapes.
    /// </summary>
    /// <param name="model">The receiver.</param>
    /// <param name="main">Adds the main path's layers to the stack it receives.</param>
    /// <param name="shortcut">Adds the shortcut's layers (a projection such as a strided 1×1 convolution); null for the identity.</param>
    /// <param name="activation">Activation after the addition (ResNet: <see cref="Activation.ReLU"/>).</param>
    /// <param name="name">Block name; generated when null.</param>
    public static T Residual<T>(this ILayerChain<T> model, Func<LayerStack, LayerStack> main, Func<LayerStack, LayerStack>? shortcut = null,
        Activation activation = Activation.Linear, string? name = null) where T : ILayerChain<T>
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(main);
        return model.Then(new Residual(SubBuilder(main, "main"), shortcut is null ? null : SubBuilder(shortcut, "shortcut"), activation, name));
    }

    /// <summary>
    /// Appends a <see cref="Layers.Branches"/> layer: the paths applied to the same input, their outputs
    /// concatenated along channels (an Inception module). Every path must keep the same spatial size.
    /// </summary>
    /// <param name="model">The receiver.</param>
    /// <param name="paths">Two or more functions, each adding one path's layers to the stack it receives.</param>
    public static T Branches<T>(this ILayerChain<T> model, params Func<LayerStack, LayerStack>[] paths) where T : ILayerChain<T> => Branches(model, null, paths);

    /// <summary>Appends a named <see cref="Layers.Branches"/> layer (see the overload without a name).</summary>
    /// <param name="model">The receiver.</param>
    /// <param name="name">Layer name; generated when null.</param>
    /// <param name="paths">Two or more functions, each adding one path's layers to the stack it receives.</param>
    public static T Branches<T>(this ILayerChain<T> model, string? name, params Func<LayerStack, LayerStack>[] paths) where T : ILayerChain<T>
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(paths);
        return model.Then(new Branches(paths.Select((p, i) => SubBuilder(p ?? throw new ArgumentNullException(nameof(paths), $"Path {i} of Branches is null."), $"branch_{i}")), name));
    }

    /// <summary>
    /// Appends an <see cref="Layers.AuxiliaryOutput"/>: a side head that, in training mode, records
    /// head(x) in <paramref name="outputs"/> for <see cref="AuxiliaryLoss"/>, and passes x on unchanged.
    /// </summary>
    /// <param name="model">The receiver.</param>
    /// <param name="outputs">The collector shared with the loss.</param>
    /// <param name="head">Adds the head's layers to the stack it receives.</param>
    /// <param name="name">Layer name; generated when null.</param>
    public static T AuxiliaryOutput<T>(this ILayerChain<T> model, AuxiliaryOutputs outputs, Func<LayerStack, LayerStack> head, string? name = null) where T : ILayerChain<T>
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(head);
        return model.Then(new AuxiliaryOutput(SubBuilder(head, "head"), outputs, name));
    }

    private static LayerStack SubBuilder(Func<LayerStack, LayerStack> define, string name)
    {
        var builder = define(new LayerStack(name));
        return builder ?? throw new InvalidOperationException($"The function defining the {name} path returned null; return the stack it received.");
    }
}

/// <summary>
/// Merges of symbolic tensors in a functional model (Keras's <c>layers.Add()([x, y])</c> and friends); each applies a
/// new, unnamed merge layer. For a named one, use the layer: <c>new Add(name: "skip").Apply(x, y)</c>.
/// </summary>
public static class Merge
{
    /// <summary>Element-wise sum (<see cref="Layers.Add"/>).</summary>
    public static SymbolicTensor Add(params SymbolicTensor[] inputs) => new Add().Apply(inputs);

    /// <summary>Element-wise difference of two tensors (<see cref="Layers.Subtract"/>).</summary>
    public static SymbolicTensor Subtract(SymbolicTensor a, SymbolicTensor b) => new Subtract().Apply(a, b);

    /// <summary>Element-wise product (<see cref="Layers.Multiply"/>).</summary>
    public static SymbolicTensor Multiply(params SymbolicTensor[] inputs) => new Multiply().Apply(inputs);

    /// <summary>Element-wise mean (<see cref="Layers.Average"/>).</summary>
    public static SymbolicTensor Average(params SymbolicTensor[] inputs) => new Average().Apply(inputs);

    /// <summary>Element-wise maximum (<see cref="Layers.Maximum"/>).</summary>
    public static SymbolicTensor Maximum(params SymbolicTensor[] inputs) => new Maximum().Apply(inputs);

    /// <summary>Concatenation along the channel axis (<see cref="Layers.Concatenate"/>).</summary>
    public static SymbolicTensor Concatenate(params SymbolicTensor[] inputs) => new Concatenate().Apply(inputs);

    /// <summary>Concatenation along <paramref name="axis"/> of the batched tensors (1 = channels).</summary>
    public static SymbolicTensor Concatenate(int axis, params SymbolicTensor[] inputs) => new Concatenate(axis).Apply(inputs);
}
