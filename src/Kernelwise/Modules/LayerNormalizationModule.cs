using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Kernelwise.Modules;

/// <summary>
/// The module behind <see cref="Layers.LayerNormalization"/>: <c>weight</c> γ (ones) and <c>bias</c> β
/// (zeros) per channel; statistics over the channel dimension at each position (libtorch's <c>layer_norm</c> on the
/// channels moved last) or over the whole sample (<c>group_norm</c> with one group).
/// </summary>
internal sealed class LayerNormalizationModule : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // PyTorch's parameter names
    public Parameter weight;
    public Parameter bias;
#pragma warning restore IDE1006
    private readonly long _channels;
    private readonly bool _allFeatures;
    private readonly double _epsilon;

    public LayerNormalizationModule(string name, int channels, bool allFeatures, double epsilon) : base(name)
    {
        _channels = channels;
        _allFeatures = allFeatures;
        _epsilon = epsilon;
        weight = new Parameter(ones(channels));
        bias = new Parameter(zeros(channels));
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        if (_allFeatures) return nn.functional.group_norm(input, 1, weight, bias, _epsilon);
        if (input.dim() == 2) return nn.functional.layer_norm(input, new[] { _channels }, weight, bias, _epsilon);
        using var last = input.movedim(new long[] { 1 }, new long[] { -1 });
        using var normalized = nn.functional.layer_norm(last, new[] { _channels }, weight, bias, _epsilon);
        return normalized.movedim(new long[] { -1 }, new long[] { 1 });
    }
}
