using Kernelwise.Modules;
using static TorchSharp.torch;

namespace Kernelwise.Layers;

/// <summary>
/// Applies an <see cref="Kernelwise.Activation"/> as a layer of its own — Keras's <c>Activation</c> layer and its
/// dedicated <c>ReLU</c>, <c>LeakyReLU</c>, <c>ELU</c>, <c>Softmax</c> layers; PyTorch's <c>nn.ReLU</c>,
/// <c>nn.LeakyReLU(alpha)</c>, <c>nn.ELU(alpha)</c>, <c>nn.GELU</c>, <c>nn.SiLU</c>, <c>nn.Sigmoid</c>, <c>nn.Tanh</c>,
/// <c>nn.Softmax(dim=1)</c>. Same shape in and out; no parameters. Softmax runs over dimension 1 (the channels or
/// features), at each position.
/// </summary>
public sealed class ActivationLayer : Layer, IHasActivation
{
    /// <summary>Creates the layer.</summary>
    /// <param name="activation">The function.</param>
    /// <param name="alpha">Negative slope for LeakyReLU (default 0.01) or α for ELU (default 1).</param>
    /// <param name="name">Layer name; generated when null.</param>
    public ActivationLayer(Activation activation, double? alpha = null, string? name = null) : base(name)
    {
        if (!Enum.IsDefined(activation))
            throw new ArgumentOutOfRangeException(nameof(activation), $"Invalid value for argument activation of ActivationLayer. Expected one of {string.Join(", ", Enum.GetNames<Activation>())}. Received activation={activation}.");
        Activation = activation;
        if (alpha is double a)
        {
            if (activation is not (Activation.LeakyReLU or Activation.ELU))
                throw new ArgumentException($"Invalid value for argument alpha of ActivationLayer. alpha applies to LeakyReLU and ELU only. Received alpha={a} with activation={activation}.", nameof(alpha));
            if (!(a >= 0) || double.IsInfinity(a))
                throw new ArgumentOutOfRangeException(nameof(alpha), $"Invalid value for argument alpha of {activation}. Expected a finite value of 0 or more. Received alpha={a}.");
        }
        Alpha = alpha;
    }

    /// <summary>The function.</summary>
    public Activation Activation { get; }

    /// <summary>LeakyReLU slope or ELU α, when given.</summary>
    public double? Alpha { get; }

    /// <summary>Shown as the activation's own name (ReLU, Tanh...), as Keras's dedicated layers are.</summary>
    public override string TypeName => Activation == Activation.Linear ? "Activation" : Activation.ToString();

    /// <inheritdoc />
    public override string DefaultNamePrefix => Activation switch
    {
        Activation.Linear => "activation",
        Activation.LeakyReLU => "leaky_relu",
        _ => Activation.ToString().ToLowerInvariant(),
    };

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
