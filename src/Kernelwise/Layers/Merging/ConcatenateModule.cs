using static TorchSharp.torch;

namespace Kernelwise.Layers;

/// <summary>
/// The module behind <see cref="Branches"/>: one child per path, by name; forward applies each to the same input and
/// concatenates the results along dimension 1 (channels) into a fresh tensor.
/// </summary>
internal sealed class ConcatenateModule : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor>[] _paths;

    public ConcatenateModule(string name, IReadOnlyList<(string Name, nn.Module<Tensor, Tensor> Module)> paths) : base(name)
    {
        _paths = paths.Select(p => p.Module).ToArray();
        foreach (var (n, m) in paths) register_module(n, m);
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var outputs = new Tensor[_paths.Length];
        for (int i = 0; i < _paths.Length; i++) outputs[i] = _paths[i].call(input);
        return cat(outputs, 1).MoveToOuterDisposeScope();
    }
}
