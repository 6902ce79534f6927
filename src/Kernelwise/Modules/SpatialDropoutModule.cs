using static TorchSharp.torch;

namespace Kernelwise.Modules;

/// <summary>Channel dropout (libtorch's <c>dropout2d</c>), active only in training mode.</summary>
internal sealed class SpatialDropoutModule : nn.Module<Tensor, Tensor>
{
    private readonly double _rate;

    public SpatialDropoutModule(string name, double rate) : base(name) => _rate = rate;

    public override Tensor forward(Tensor input)
        => training && _rate > 0 ? nn.functional.dropout2d(input, _rate, true) : input.alias();
}
