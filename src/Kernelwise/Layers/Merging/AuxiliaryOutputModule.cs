using static TorchSharp.torch;

namespace Kernelwise.Layers;

/// <summary>
/// The module behind <see cref="AuxiliaryOutput"/>: child <c>head</c>. Forward returns a fresh handle to its input;
/// in training mode it first records head(input) in the collector, which takes ownership of that tensor.
/// </summary>
internal sealed class AuxiliaryOutputModule : nn.Module<Tensor, Tensor>
{
    [TorchSharp.Utils.ComponentName(Name = "head")]
    private readonly nn.Module<Tensor, Tensor> _head;
    private readonly AuxiliaryOutputs _outputs;
    private readonly string _name;

    public AuxiliaryOutputModule(string name, nn.Module<Tensor, Tensor> head, AuxiliaryOutputs outputs) : base(name)
    {
        _name = name;
        _head = head;
        _outputs = outputs;
        register_module("head", head);
    }

    public override Tensor forward(Tensor input)
    {
        if (training)
        {
            Tensor y;
            using (var scope = NewDisposeScope())
            {
                y = _head.call(input).MoveToOuterDisposeScope();
            }
            _outputs.Record(_name, y);
        }
        return input.alias();
    }
}
