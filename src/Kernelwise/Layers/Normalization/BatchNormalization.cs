using static TorchSharp.torch;

namespace Kernelwise.Layers;

/// <summary>
/// Batch normalization over the channel dimension (dimension 1) for inputs (features), (C, L), (C, H, W) or
/// (C, D, H, W) — PyTorch's <c>BatchNorm1d/2d/3d</c>, Keras's <c>BatchNormalization</c>.
/// Parameters: 2C trainable (scale γ, shift β) and 2C non-trainable (running mean and variance, Keras's count).
/// </summary>
/// <remarks>
/// Momentum follows PyTorch's convention: running = (1 − momentum)·running + momentum·batch, default 0.1
/// (Keras's 0.99 is the same rule written the other way round). Epsilon defaults to PyTorch's 1e-5.
/// </remarks>
public sealed class BatchNormalization : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="momentum">Weight of the current batch in the running statistics, in (0, 1].</param>
    /// <param name="epsilon">Added to the variance for numerical stability.</param>
    /// <param name="name">Layer name; generated when null.</param>
    public BatchNormalization(double momentum = 0.1, double epsilon = 1e-5, string? name = null) : base(name)
    {
        Momentum = Guard.InRange(momentum, 0, 1, maxInclusive: true);
        if (momentum == 0)
            throw new ArgumentOutOfRangeException(nameof(momentum), "Invalid value for argument momentum. Expected a value in (0, 1]. Received momentum=0.");
        Epsilon = Guard.Positive(epsilon);
    }

    /// <summary>Weight of the current batch in the running statistics.</summary>
    public double Momentum { get; }

    /// <summary>Added to the variance.</summary>
    public double Epsilon { get; }

    /// <summary>Normalisation statistics stay in float32 under mixed precision.</summary>
    internal override bool KeepsFloat32 => true;

    /// <inheritdoc />
    public override Shape ComputeOutputShape(Shape input)
    {
        if (input.Rank > 4)
            throw new ModelBuildException(Name, $"Layer '{Name}' (BatchNormalization) expected input with 2 to 5 dimensions (batch, channels, ...); received {input} with {input.Rank + 1}.");
        return input;
    }

    /// <inheritdoc />
    public override ParameterCount CountParameters(Shape input) => new(2L * input.Channels, 2L * input.Channels);

    /// <inheritdoc />
    public override long CountMultiplyAccumulates(Shape input, Shape output) => input.Elements;

    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> CreateModule(Shape input) => input.Rank switch
    {
        1 or 2 => nn.BatchNorm1d(input.Channels, Epsilon, Momentum),
        3 => nn.BatchNorm2d(input.Channels, Epsilon, Momentum),
        _ => nn.BatchNorm3d(input.Channels, Epsilon, Momentum),
    };
}
