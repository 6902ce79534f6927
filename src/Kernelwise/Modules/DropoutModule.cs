using static TorchSharp.torch;

namespace Kernelwise.Modules;

/// <summary>Dropout that is active only in training mode (the module's <c>training</c> flag).</summary>
internal sealed class DropoutModule : nn.Module<Tensor, Tensor>
{
    private readonly double _rate;

    public DropoutModule(string name, double rate) : base(name) => _rate = rate;

    public override Tensor forward(Tensor input)
        => training && _rate > 0 ? nn.functional.dropout(input, _rate, true) : input.alias();
}
