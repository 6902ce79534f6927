using Kernelwise.Modules;
using static TorchSharp.torch;

namespace Kernelwise.Layers;

/// <summary>
/// Multiplies the input by <see cref="Scale"/> and adds <see cref="Offset"/> — Keras's <c>Rescaling</c>: <c>1/255</c>
/// turns pixel values into [0, 1], <c>scale: 1/127.5, offset: −1</c> into [−1, 1]. Any shape, same shape out; no
/// parameters. As part of the model, the scaling travels with it (archive, ONNX).
/// </summary>
public sealed class Rescaling : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="scale">Factor applied first.</param>
    /// <param name="offset">Value added after scaling.</param>
    /// <param name="name">Layer name; generated when null.</param>
    public Rescaling(double scale, double offset = 0, string? name = null) : base(name)
    {
        if (!double.IsFinite(scale))
            throw new ArgumentOutOfRangeException(nameof(scale), scale, $"Invalid value for argument scale of Rescaling. Expected a finite value. Received scale={scale}.");
        if (!double.IsFinite(offset))
            throw new ArgumentOutOfRangeException(nameof(offset), offset, $"Invalid value for argument offset of Rescaling. Expected a finite value. Received offset={offset}.");
        Scale = scale;
        Offset = offset;
    }

    /// <summary>The factor.</summary>
    public double Scale { get; }

    /// <summary>The value added after scaling.</summary>
    public double Offset { get; }

    /// <inheritdoc />
    public override Shape ComputeOutputShape(Shape input) => input ?? throw new ArgumentNullException(nameof(input));

    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> CreateModule(Shape input)
    {
        double scale = Scale, offset = Offset;
        return new FunctionModule(Name, x => offset == 0 ? x * scale : x * scale + offset);
    }
}
