using static TorchSharp.torch;

namespace Kernelwise.Modules;

/// <summary>
/// A parameter-free module that applies a function (activation, flatten, reshape, pooling). The function must
/// return a fresh tensor and never dispose its input (TorchSharp's memory rule).
/// </summary>
public sealed class FunctionModule : nn.Module<Tensor, Tensor>
{
    private readonly Func<Tensor, Tensor> _function;

    /// <summary>Wraps <paramref name="function"/> as a module named <paramref name="name"/> (a custom layer's <c>CreateModule</c> can return one).</summary>
    public FunctionModule(string name, Func<Tensor, Tensor> function) : base(name)
    {
        ArgumentNullException.ThrowIfNull(function);
        _function = function;
    }

    /// <summary>Applies the function.</summary>
    public override Tensor forward(Tensor input) => _function(input);
}
