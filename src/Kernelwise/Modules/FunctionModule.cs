using static TorchSharp.torch;

namespace Kernelwise.Modules;

/// <summary>
/// A parameter-free module that applies a function (activation, flatten, reshape, pooling). The function must
/// return a fresh tensor and never dispose its input (TorchSharp's memory rule).
/// </summary>
internal sealed class FunctionModule : nn.Module<Tensor, Tensor>
{
    private readonly Func<Tensor, Tensor> _function;

    public FunctionModule(string name, Func<Tensor, Tensor> function) : base(name) => _function = function;

    public override Tensor forward(Tensor input) => _function(input);
}
