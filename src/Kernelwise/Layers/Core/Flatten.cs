using Kernelwise.Modules;
using static TorchSharp.torch;

namespace Kernelwise.Layers;

/// <summary>
/// Flattens each sample to one dimension: (C, H, W) → (C·H·W), in NCHW order (PyTorch's order, not Keras's NHWC) —
/// Keras's <c>Flatten</c>, PyTorch's <c>nn.Flatten()</c>. No parameters; the summary's receptive field ends here.
/// </summary>
public sealed class Flatten : Layer
{
    /// <summary>Creates the layer.</summary>
    public Flatten(string? name = null) : base(name)
    {
    }

    /// <inheritdoc />
    public override Shape ComputeOutputShape(Shape input)
    {
        long n = input.Elements;
        if (n > int.MaxValue) throw BuildError(input, $"the flattened size {n} exceeds {int.MaxValue}.");
        return new Shape((int)n);
    }

    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> CreateModule(Shape input) => new FunctionModule(Name, x => x.flatten(1));
}
