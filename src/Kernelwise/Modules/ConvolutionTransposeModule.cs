using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Kernelwise.Modules;

/// <summary>
/// The TorchSharp module behind Conv1DTranspose/2D/3D: parameters <c>weight</c> [in, out/groups, *kernel] and
/// <c>bias</c> [out] (PyTorch's layout, names and initialisation), libtorch's transposed convolution, a crop at the
/// end where "same" needs one more element cropped than at the start, then the activation.
/// </summary>
internal sealed class ConvolutionTransposeModule : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // PyTorch's parameter names
    public Parameter weight;
    public Parameter? bias;
#pragma warning restore IDE1006
    private readonly long[] _stride, _dilation, _padding, _outputPadding, _cropEnd;
    private readonly long _groups;
    private readonly Activation _activation;
    private readonly int _rank;

    // cropBefore: elements cropped from the start of the full output per spatial dimension; cropAfter: from its end
    // (negative: added); outputPadding: elements added at the end.
    public ConvolutionTransposeModule(string name, int rank, int inChannels, int filters, int[] kernel, int[] stride, int[] dilation,
        int[] cropBefore, int[] cropAfter, int[] outputPadding, int groups, bool useBias, Activation activation) : base(name)
    {
        _rank = rank;
        _stride = stride.Select(v => (long)v).ToArray();
        _dilation = dilation.Select(v => (long)v).ToArray();
        _groups = groups;
        _activation = activation;
        // libtorch crops `padding` from both sides and adds `output_padding` at the end; what remains at the end is
        // cropped here.
        _padding = new long[rank];
        _outputPadding = new long[rank];
        _cropEnd = new long[rank];
        for (int i = 0; i < rank; i++)
        {
            _padding[i] = cropBefore[i];
            long end = (long)cropAfter[i] - cropBefore[i] - outputPadding[i];
            if (end > 0) _cropEnd[i] = end;
            else _outputPadding[i] = -end;
        }

        var shape = new long[] { inChannels, filters / groups }.Concat(kernel.Select(k => (long)k)).ToArray();
        weight = new Parameter(empty(shape));
        nn.init.kaiming_uniform_(weight, a: Math.Sqrt(5));
        if (useBias)
        {
            long fanIn = filters / groups * kernel.Aggregate(1L, (a, k) => a * k);
            double bound = 1.0 / Math.Sqrt(fanIn);
            bias = new Parameter(empty(filters));
            nn.init.uniform_(bias, -bound, bound);
        }
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        Tensor x = input, w = weight;
        Tensor? b = bias;
        if (Autocast.Current is { } type)
        {
            x = Autocast.To(input, type);
            w = Autocast.To(weight, type);
            if (bias is not null) b = Autocast.To(bias, type);
        }
        var y = _rank switch
        {
            1 => nn.functional.conv_transpose1d(x, w, b, _stride[0], _padding[0], _outputPadding[0], _dilation[0], _groups),
            2 => nn.functional.conv_transpose2d(x, w, b, _stride, _padding, _outputPadding, _dilation, _groups),
            _ => nn.functional.conv_transpose3d(x, w, b, _stride, _padding, _outputPadding, _dilation, _groups),
        };
        for (int i = 0; i < _rank; i++)
        {
            if (_cropEnd[i] > 0) y = y.narrow(i + 2, 0, y.shape[i + 2] - _cropEnd[i]);
        }
        if (_activation != Activation.Linear) y = ActivationFunctions.Apply(_activation, y);
        return y.MoveToOuterDisposeScope();
    }
}
