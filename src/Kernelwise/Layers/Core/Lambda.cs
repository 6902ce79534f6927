using Kernelwise.Modules;
using static TorchSharp.torch;

namespace Kernelwise.Layers;

/// <summary>
/// A stateless function as a layer (Keras's <c>Lambda</c>): <c>new Lambda(x => x.abs(), name: "abs")</c>. The function
/// must return a fresh tensor and never dispose its input; by default the output has the input's shape, otherwise give
/// <c>outputShape</c>.
/// </summary>
/// <remarks>
/// A Lambda holds C# code, so a model containing one cannot be saved to a model archive — loading an archive never runs
/// code it names; the error says so. For a reusable function, write a layer class (see docs/custom-layers.md) and
/// register it. ONNX export needs a converter, which a delegate cannot have.
/// </remarks>
public sealed class Lambda : Layer
{
    private readonly Func<Tensor, Tensor> _function;
    private readonly Func<Shape, Shape>? _outputShape;

    /// <summary>Wraps <paramref name="function"/>.</summary>
    /// <param name="function">The computation, on a batch [N, ...].</param>
    /// <param name="outputShape">The output shape for an input shape (batch excluded); null when it keeps the shape.</param>
    /// <param name="name">Layer name; generated when null (<c>lambda</c>, ...).</param>
    public Lambda(Func<Tensor, Tensor> function, Func<Shape, Shape>? outputShape = null, string? name = null) : base(name)
    {
        ArgumentNullException.ThrowIfNull(function);
        _function = function;
        _outputShape = outputShape;
    }

    /// <inheritdoc />
    public override Shape ComputeOutputShape(Shape input)
    {
        if (_outputShape is null) return input;
        try
        {
            return _outputShape(input) ?? throw BuildError(input, "its output-shape function returned null.");
        }
        catch (Exception e) when (e is not ModelBuildException)
        {
            throw BuildError(input, $"its output-shape function failed: {e.Message}");
        }
    }

    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> CreateModule(Shape input) => new FunctionModule(Name, _function);
}
