using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Kernelwise.Modules;

/// <summary>
/// The TorchSharp module behind Conv1D/2D/3D: parameters <c>weight</c> [out, in/groups, *kernel] and <c>bias</c> [out]
/// (PyTorch's layout and names, so state dicts interoperate), optional asymmetric zero padding ("same" with even
/// kernels or strides above 1), the convolution, then the activation.
/// </summary>
internal sealed class ConvolutionModule : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // PyTorch's parameter names
    public Parameter weight;
    public Parameter? bias;
#pragma warning restore IDE1006
    private readonly long[] _stride, _dilation, _symmetricPadding;
    private readonly long[]? _padPairs; // F.pad order: last dimension first (before, after) pairs
    private readonly long _groups;
    private readonly Activation _activation;
    private readonly int _rank;
    private readonly Func<Tensor, Tensor, Tensor?, long[], long[], long[], long, Tensor>? _convolution;

    public ConvolutionModule(string name, int rank, int inChannels, int filters, int[] kernel, int[] stride, int[] dilation,
        int[] padBefore, int[] padAfter, int groups, bool useBias, Activation activation,
        Func<Tensor, Tensor, Tensor?, long[], long[], long[], long, Tensor>? convolution = null) : base(name)
    {
        _rank = rank;
        _stride = stride.Select(v => (long)v).ToArray();
        _dilation = dilation.Select(v => (long)v).ToArray();
        _groups = groups;
        _activation = activation;
        _convolution = convolution;
        bool symmetric = padBefore.SequenceEqual(padAfter);
        _symmetricPadding = symmetric ? padBefore.Select(v => (long)v).ToArray() : new long[rank];
        if (!symmetric)
        {
            _padPairs = new long[2 * rank];
            for (int i = 0; i < rank; i++)
            {
                int d = rank - 1 - i;
                _padPairs[2 * i] = padBefore[d];
                _padPairs[2 * i + 1] = padAfter[d];
            }
        }

        var shape = new long[] { filters, inChannels / groups }.Concat(kernel.Select(k => (long)k)).ToArray();
        weight = new Parameter(empty(shape));
        nn.init.kaiming_uniform_(weight, a: Math.Sqrt(5));
        if (useBias)
        {
            long fanIn = inChannels / groups * kernel.Aggregate(1L, (a, k) => a * k);
            double bound = 1.0 / Math.Sqrt(fanIn);
            bias = new Parameter(empty(filters));
            nn.init.uniform_(bias, -bound, bound);
        }
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = _padPairs is null ? input : nn.functional.pad(input, _padPairs);
        Tensor y;
        if (_convolution is not null)
        {
            // The explicit convolution is written for float32 (and float64): mixed precision leaves it in float32.
            if (x.dtype is ScalarType.BFloat16 or ScalarType.Float16) x = x.to_type(weight.dtype);
            y = _convolution(x, weight, bias, _stride, _symmetricPadding, _dilation, _groups);
        }
        else
        {
            // Mixed precision: compute in the 16-bit type; the float32 weights are cast on the fly (master weights).
            Tensor w = weight, b = bias!;
            if (Autocast.Current is { } type)
            {
                x = Autocast.To(x, type);
                w = Autocast.To(weight, type);
                if (bias is not null) b = Autocast.To(bias, type);
            }
            y = _rank switch
            {
                1 => nn.functional.conv1d(x, w, bias is null ? null : b, _stride[0], _symmetricPadding[0], _dilation[0], _groups),
                2 => nn.functional.conv2d(x, w, bias is null ? null : b, _stride, _symmetricPadding, _dilation, _groups),
                _ => nn.functional.conv3d(x, w, bias is null ? null : b, _stride, _symmetricPadding, _dilation, _groups),
            };
        }
        if (_activation != Activation.Linear) y = ActivationFunctions.Apply(_activation, y);
        return y.MoveToOuterDisposeScope();
    }
}
