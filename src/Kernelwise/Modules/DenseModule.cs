using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Kernelwise.Modules;

/// <summary>
/// The module behind <see cref="Layers.Dense"/>: y = act(x·Wᵀ + b) with PyTorch's <c>weight</c> [units, in] and
/// <c>bias</c> [units] and PyTorch's initialisation (uniform ±1/√in).
/// </summary>
internal sealed class DenseModule : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006
    public Parameter weight;
    public Parameter? bias;
#pragma warning restore IDE1006
    private readonly Activation _activation;

    public DenseModule(string name, int inFeatures, int units, bool useBias, Activation activation) : base(name)
    {
        _activation = activation;
        weight = new Parameter(empty(units, inFeatures));
        nn.init.kaiming_uniform_(weight, a: Math.Sqrt(5));
        if (useBias)
        {
            double bound = 1.0 / Math.Sqrt(inFeatures);
            bias = new Parameter(empty(units));
            nn.init.uniform_(bias, -bound, bound);
        }
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        if (Autocast.Current is { } type)
        {
            // Mixed precision: compute in the 16-bit type; the float32 weights are cast on the fly (master weights).
            using var scope = NewDisposeScope();
            var x = Autocast.To(input, type);
            var b = bias is null ? null : Autocast.To(bias, type);
            var z = nn.functional.linear(x, Autocast.To(weight, type), b);
            return (_activation == Activation.Linear ? z : ActivationFunctions.Apply(_activation, z)).MoveToOuterDisposeScope();
        }
        if (_activation == Activation.Linear) return nn.functional.linear(input, weight, bias);
        using var y = nn.functional.linear(input, weight, bias);
        return ActivationFunctions.Apply(_activation, y);
    }
}
