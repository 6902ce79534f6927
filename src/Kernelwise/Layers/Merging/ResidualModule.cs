using static TorchSharp.torch;

namespace Kernelwise.Layers;

/// <summary>
/// The module behind <see cref="Residual"/>: children <c>main</c> and <c>shortcut</c> (absent for the identity);
/// forward returns act(main(x) + shortcut(x)) as a fresh tensor and never disposes x.
/// </summary>
internal sealed class ResidualModule : nn.Module<Tensor, Tensor>
{
    [TorchSharp.Utils.ComponentName(Name = "main")]
    private readonly nn.Module<Tensor, Tensor> _main;
    [TorchSharp.Utils.ComponentName(Name = "shortcut")]
    private readonly nn.Module<Tensor, Tensor>? _shortcut;
    private readonly Activation _activation;

    public ResidualModule(string name, nn.Module<Tensor, Tensor> main, nn.Module<Tensor, Tensor>? shortcut, Activation activation) : base(name)
    {
        _main = main;
        _shortcut = shortcut;
        _activation = activation;
        register_module("main", main);
        if (shortcut is not null) register_module("shortcut", shortcut);
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var main = _main.call(input);
        var shortcut = _shortcut is null ? input : _shortcut.call(input);
        var sum = main.add(shortcut);
        // The sum is a fresh tensor that autograd does not keep (addition's backward needs no values), so ReLU may
        // overwrite it, as torchvision's blocks do.
        var y = _activation switch
        {
            Activation.Linear => sum,
            Activation.ReLU => sum.relu_(),
            _ => ActivationFunctions.Apply(_activation, sum),
        };
        return y.MoveToOuterDisposeScope();
    }
}
