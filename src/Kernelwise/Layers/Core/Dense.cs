using Kernelwise.Modules;
using static TorchSharp.torch;

namespace Kernelwise.Layers;

/// <summary>
/// Fully connected layer: y = act(x·Wᵀ + b) — Keras's <c>Dense</c>, PyTorch's <c>nn.Linear</c>. Input (features),
/// output (units); parameters in·units + units.
/// </summary>
public sealed class Dense : Layer, IHasActivation
{
    /// <summary>Creates the layer.</summary>
    /// <param name="units">Number of outputs.</param>
    /// <param name="activation">Activation applied to the output.</param>
    /// <param name="useBias">Whether to add a bias.</param>
    /// <param name="name">Layer name; generated when null.</param>
    public Dense(int units, Activation activation = Activation.Linear, bool useBias = true, string? name = null) : base(name)
    {
        Units = Guard.Positive(units);
        Activation = activation;
        UseBias = useBias;
    }

    /// <summary>Number of outputs.</summary>
    public int Units { get; }

    /// <summary>Activation applied to the output.</summary>
    public Activation Activation { get; }

    /// <summary>Whether a bias is added.</summary>
    public bool UseBias { get; }

    /// <inheritdoc />
    public override Shape ComputeOutputShape(Shape input)
    {
        if (input.Rank != 1)
        {
            throw new ModelBuildException(Name,
                $"Layer '{Name}' (Dense) expected input with 2 dimensions (batch, features); received {input} with {input.Rank + 1}. Add Flatten() before it.");
        }
        return new Shape(Units);
    }

    /// <inheritdoc />
    public override ParameterCount CountParameters(Shape input) => new((long)input[0] * Units + (UseBias ? Units : 0), 0);

    /// <inheritdoc />
    public override long CountMultiplyAccumulates(Shape input, Shape output) => (long)input[0] * Units;

    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> CreateModule(Shape input) => new DenseModule(Name, input[0], Units, UseBias, Activation);
}
