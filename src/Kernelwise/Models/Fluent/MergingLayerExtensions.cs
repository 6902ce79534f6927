using Kernelwise.Layers;

namespace Kernelwise.Models;

/// <summary>
/// Fluent builder methods for non-sequential structure: residual blocks, parallel branches and auxiliary heads. Each
/// takes sub-builders as functions that receive a fresh <see cref="Sequential"/> (without input shape: it takes the
/// shape flowing into the block) and return it with layers added. Each returns the outer builder.
/// <code>
/// model.Residual(b => b.Conv2D(64, 3, padding: 1, useBias: false).BatchNormalization().ReLU()
///                      .Conv2D(64, 3, padding: 1, useBias: false).BatchNormalization(),
///                activation: Activation.ReLU)
///      .Branches(b => b.Conv2D(64, 1),
///                b => b.Conv2D(96, 1).Conv2D(128, 3, padding: 1),
///                b => b.MaxPooling2D(3, strides: 1, padding: 1).Conv2D(32, 1));
/// </code>
/// </summary>
public static class MergingLayerExtensions
{
    /// <summary>
    /// Appends a <see cref="Layers.Residual"/> block: act(main(x) + shortcut(x)), the identity shortcut by
    /// default. The shapes of both paths must agree; the error at build time names the block and both shapes.
    /// </summary>
    /// <param name="model">The builder.</param>
    /// <param name="main">Adds the main path's layers to the sub-builder it receives.</param>
    /// <param name="shortcut">Adds the shortcut's layers (a projection such as a strided 1×1 convolution); null for the identity.</param>
    /// <param name="activation">Activation after the addition (ResNet: <see cref="Activation.ReLU"/>).</param>
    /// <param name="name">Block name; generated when null.</param>
    public static Sequential Residual(this Sequential model, Func<Sequential, Sequential> main, Func<Sequential, Sequential>? shortcut = null,
        Activation activation = Activation.Linear, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(main);
        return model.Add(new Residual(SubBuilder(main, "main"), shortcut is null ? null : SubBuilder(shortcut, "shortcut"), activation, name));
    }

    /// <summary>
    /// Appends a <see cref="Layers.Branches"/> layer: the paths applied to the same input, their outputs
    /// concatenated along channels (an Inception module). Every path must keep the same spatial size.
    /// </summary>
    /// <param name="model">The builder.</param>
    /// <param name="paths">Two or more functions, each adding one path's layers to the sub-builder it receives.</param>
    public static Sequential Branches(this Sequential model, params Func<Sequential, Sequential>[] paths) => Branches(model, null, paths);

    /// <summary>Appends a named <see cref="Layers.Branches"/> layer (see the overload without a name).</summary>
    /// <param name="model">The builder.</param>
    /// <param name="name">Layer name; generated when null.</param>
    /// <param name="paths">Two or more functions, each adding one path's layers to the sub-builder it receives.</param>
    public static Sequential Branches(this Sequential model, string? name, params Func<Sequential, Sequential>[] paths)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(paths);
        return model.Add(new Branches(paths.Select((p, i) => SubBuilder(p ?? throw new ArgumentNullException(nameof(paths), $"Path {i} of Branches is null."), $"branch_{i}")), name));
    }

    /// <summary>
    /// Appends an <see cref="Layers.AuxiliaryOutput"/>: a side head that, in training mode, records
    /// head(x) in <paramref name="outputs"/> for <see cref="AuxiliaryLoss"/>, and passes x on unchanged.
    /// </summary>
    /// <param name="model">The builder.</param>
    /// <param name="outputs">The collector shared with the loss.</param>
    /// <param name="head">Adds the head's layers to the sub-builder it receives.</param>
    /// <param name="name">Layer name; generated when null.</param>
    public static Sequential AuxiliaryOutput(this Sequential model, AuxiliaryOutputs outputs, Func<Sequential, Sequential> head, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(head);
        return model.Add(new AuxiliaryOutput(SubBuilder(head, "head"), outputs, name));
    }

    private static Sequential SubBuilder(Func<Sequential, Sequential> define, string name)
    {
        var builder = define(new Sequential(name));
        return builder ?? throw new InvalidOperationException($"The function defining the {name} path returned null; return the builder it received.");
    }
}
