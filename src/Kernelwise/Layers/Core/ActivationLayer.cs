using Kernelwise.Modules;
using static TorchSharp.torch;

namespace Kernelwise.Layers.Core;

/// <summary>
/// Applies an <see cref="Layers.Activation"/> as a layer of its own — Keras's <c>Activation</c> layer. Same shape
/// in and out; no parameters.
/// </summary>
public sealed class ActivationLayer : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="activation">The function.</param>
    /// <param name="alpha">Negative slope for LeakyReLU (default 0.01) or α for ELU (default 1).</param>
    /// <param name="name">Layer name; generated when null.</param>
    public ActivationLayer(Activation activation, double? alpha = null, string? name = null) : base(name)
    {
        Activation = activation;
        if (alpha is double a) Guard.NonNegative(a, nameof(alpha));
        Alpha = alpha;
    }

    /// <summary>The function.</summary>
    public Activation Activation { get; }

    /// <summary>LeakyReLU slope or ELU α, when given.</summary>
    public double? Alpha { get; }

    /// <summary>Shown as the activation's own name (ReLU, Tanh...), as Keras's dedicated layers are.</summary>
    public override string TypeName => Activation == Activation.Linear ? "Activation" : Activation.ToString();

    /// <inheritdoc />
    public override string DefaultNamePrefix => Activation == Activation.Linear ? "activation" : ToSnakeCase(Activation.ToString()).Replace("re_lu", "relu");

    /// <inheritdoc />
    public override Shape ComputeOutputShape(Shape input) => input;

    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> CreateModule(Shape input)
    {
        var activation = Activation;
        var alpha = Alpha;
        return new FunctionModule(Name, x => ActivationFunctions.Apply(activation, x, alpha));
    }
}
