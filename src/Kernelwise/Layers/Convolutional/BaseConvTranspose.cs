using System.Globalization;
using Kernelwise.Modules;
using Kernelwise.Shapes;
using static TorchSharp.torch;

namespace Kernelwise.Layers;

/// <summary>
/// Shared configuration, validation and shape rule of Conv1DTranspose, Conv2DTranspose and Conv3DTranspose (Keras's
/// <c>BaseConvTranspose</c>, PyTorch's <c>nn.ConvTranspose1d/2d/3d</c>): the adjoint of a convolution with the same
/// kernel, stride, padding and dilation — it maps the convolution's output shape back to (a shape compatible with) its
/// input shape. Input (C, *spatial), output (filters, *spatial') with each size
/// (n − 1)s − 2p + d(k − 1) + output_padding + 1, or n·s with <see cref="Padding.Same"/>.
/// </summary>
/// <remarks>
/// <para>Weights follow PyTorch's layout [in_channels, filters/groups, *kernel] (the convolution's
/// [out, in/groups, *kernel] read the other way round); parameters k·C·(F/groups) + F. Multiply-accumulates per sample:
/// every input value meets k·F/groups weights, C·n·k·F/groups in all — the cost of the convolution it is the adjoint of.</para>
/// <para>Several input sizes of a strided convolution give the same output size; output_padding picks the larger
/// ones, and PyTorch accepts it only when it is smaller than the stride or the dilation of its dimension.
/// <see cref="Padding.Same"/> crops the full output (n − 1)s + d(k − 1) + 1 to exactly n·s (odd element cropped at the
/// end, as TensorFlow does), which needs no output_padding.</para>
/// <para><b>Output sizes follow PyTorch, not Keras, in two cases.</b> With <see cref="Padding.Valid"/> and a (dilated)
/// kernel smaller than the stride, Keras's <c>ConvTranspose</c> layers (output_padding unset) return n·s, adding
/// max(k, s) − k to PyTorch's (n − 1)s + k; Kernelwise returns PyTorch's size. For example 14×14 inputs, kernel 7,
/// stride 16: Keras 224×224, Kernelwise 215×215; pass <c>outputPadding: s − k</c> (here 9) for Keras's size. And
/// <see cref="Padding.Same"/> with a non-zero output_padding, which Keras accepts by cropping (dilated kernel) // 2
/// from each side, is refused here: the error names the explicit padding that gives Keras's size
/// (<c>padding: k // 2</c> with the same <c>outputPadding</c>). Where no output_padding is given and the kernel is
/// at least the stride, the two agree.</para>
/// <para>Receptive field: with stride 1 this is a convolution with the flipped kernel and the summary grows the
/// receptive field by d(k − 1)·jump as for a convolution; with a stride above 1 neighbouring outputs sit 1/s of an
/// input pixel apart, so the summary shows "-" from this layer on.</para>
/// </remarks>
public abstract class BaseConvTranspose : Layer, IHasActivation
{
    /// <summary>Validates and stores the configuration; <paramref name="rank"/> is the number of spatial dimensions.</summary>
    protected BaseConvTranspose(int rank, int filters, SpatialSize kernelSize, SpatialSize strides, Padding padding, SpatialSize outputPadding,
        SpatialSize dilation, int groups, Activation activation, bool useBias, string? name) : base(name)
    {
        Rank = rank;
        string type = GetType().Name;
        if (filters < 1)
            throw new ArgumentOutOfRangeException(nameof(filters), $"Invalid value for argument filters of {type}. Expected a strictly positive value. Received filters={filters}.");
        if (groups < 1)
            throw new ArgumentOutOfRangeException(nameof(groups), $"Invalid value for argument groups of {type}. Expected a strictly positive value. Received groups={groups}.");
        if (filters % groups != 0)
            throw new ArgumentException($"Invalid value for argument groups of {type}. The number of filters must be divisible by groups. Received filters={filters}, groups={groups}.", nameof(groups));
        Filters = filters;
        Groups = groups;
        KernelSize = kernelSize.Expand(rank, "kernelSize", type);
        Strides = (strides.IsEmpty ? (SpatialSize)1 : strides).Expand(rank, "strides", type);
        Dilation = (dilation.IsEmpty ? (SpatialSize)1 : dilation).Expand(rank, "dilation", type);
        Padding = padding;
        ConvolutionArithmetic.ExplicitPadding(padding, rank, type);
        OutputPadding = outputPadding.IsEmpty ? new int[rank] : outputPadding.Expand(rank, "outputPadding", type, minimum: 0);
        if (padding.Mode == PaddingMode.Same && OutputPadding.Any(v => v != 0))
        {
            // Keras accepts this pair: it crops (dilated kernel) // 2 from each side, then adds the output padding.
            var keras = Enumerable.Range(0, rank).Select(i => (Dilation[i] * (KernelSize[i] - 1) + 1) / 2).ToArray();
            static string Literal(int[] v) => v.Distinct().Count() == 1 ? v[0].ToString(CultureInfo.InvariantCulture) : "(" + string.Join(", ", v) + ")";
            throw new ArgumentException(
                $"Invalid value for argument outputPadding of {type}. Padding.Same fixes the output size at input·strides, so outputPadding must be 0 with it. Received outputPadding={outputPadding}. " +
                $"Keras's {type} accepts the pair and crops (dilated kernel) // 2 from each side instead; for its output size (n − 1)s + d(k − 1) + 1 − 2·(that crop) + output_padding, " +
                $"pass padding: {Literal(keras)}, outputPadding: {Literal(OutputPadding)}.",
                nameof(outputPadding));
        }
        var names = ConvolutionArithmetic.SpatialDimensionNames(rank);
        for (int i = 0; i < rank; i++)
        {
            if (OutputPadding[i] >= Strides[i] && OutputPadding[i] >= Dilation[i])
            {
                throw new ArgumentOutOfRangeException(nameof(outputPadding),
                    $"Invalid value for argument outputPadding of {type}. Each output padding must be smaller than the stride or the dilation of its dimension. Received outputPadding={OutputPadding[i]} with strides={Strides[i]} and dilation={Dilation[i]} in dimension {names[i]}.");
            }
        }
        UseBias = useBias;
        Activation = activation;
    }

    /// <summary>Number of spatial dimensions (1, 2 or 3).</summary>
    public int Rank { get; }

    /// <summary>Number of output channels.</summary>
    public int Filters { get; }

    /// <summary>Kernel size per spatial dimension.</summary>
    public int[] KernelSize { get; }

    /// <summary>Stride per spatial dimension: the upsampling factor.</summary>
    public int[] Strides { get; }

    /// <summary>Dilation per spatial dimension.</summary>
    public int[] Dilation { get; }

    /// <summary>The padding as given: the amount cropped from each side of the full output.</summary>
    public Padding Padding { get; }

    /// <summary>Extra output elements at the end of each spatial dimension (zeros unless given).</summary>
    public int[] OutputPadding { get; }

    /// <summary>Number of groups.</summary>
    public int Groups { get; }

    /// <summary>Whether a bias is added.</summary>
    public bool UseBias { get; }

    /// <summary>Activation applied to the output.</summary>
    public Activation Activation { get; }

    /// <summary>
    /// How much of the full output (n − 1)s + d(k − 1) + 1 is cropped at the start and at the end of each spatial
    /// dimension: p and p for explicit padding, 0 for valid, the "same" split otherwise (a negative end crop extends).
    /// </summary>
    public (int[] Before, int[] After) ResolveCropping() => ConvolutionArithmetic.ResolveTransposedCropping(Padding, KernelSize, Strides, Dilation);

    /// <inheritdoc />
    public override Shape ComputeOutputShape(Shape input)
    {
        ArgumentNullException.ThrowIfNull(input);
        RequireRank(input, Rank + 1, ConvolutionArithmetic.Layout(Rank));
        int c = input.Channels;
        if (c % Groups != 0)
            throw BuildError(input, $"input channels {c} are not divisible by groups={Groups}.");
        var (before, after) = ResolveCropping();
        var names = ConvolutionArithmetic.SpatialDimensionNames(Rank);
        var dims = new int[Rank + 1];
        dims[0] = Filters;
        for (int i = 0; i < Rank; i++)
        {
            int n = input[i + 1];
            int size = ConvolutionArithmetic.TransposedOutputSize(n, KernelSize[i], Strides[i], before[i], after[i], Dilation[i], OutputPadding[i]);
            if (size < 1)
            {
                throw BuildError(input,
                    $"output size (n − 1)s − 2p + d(k − 1) + output_padding + 1 = ({n} − 1)·{Strides[i]} − 2·{before[i]} + {Dilation[i]}·({KernelSize[i]} − 1) + {OutputPadding[i]} + 1 = {size} is below 1 in dimension {names[i]}; reduce the padding.");
            }
            dims[i + 1] = size;
        }
        return new Shape(dims);
    }

    /// <inheritdoc />
    public override ParameterCount CountParameters(Shape input)
    {
        ArgumentNullException.ThrowIfNull(input);
        long k = KernelSize.Aggregate(1L, (a, v) => a * v);
        return new ParameterCount(k * input.Channels * (Filters / Groups) + (UseBias ? Filters : 0), 0);
    }

    /// <inheritdoc />
    public override long CountMultiplyAccumulates(Shape input, Shape output)
    {
        ArgumentNullException.ThrowIfNull(input);
        long k = KernelSize.Aggregate(1L, (a, v) => a * v);
        return input.Elements * k * (Filters / Groups);
    }

    /// <inheritdoc />
    public override SpatialWindow? GetSpatialWindow(Shape input)
    {
        if (Strides.Any(s => s != 1)) return SpatialWindow.Irregular(Rank);
        var (before, _) = ResolveCropping();
        var equivalentPadding = new int[Rank];
        for (int i = 0; i < Rank; i++) equivalentPadding[i] = Dilation[i] * (KernelSize[i] - 1) - before[i];
        return new SpatialWindow(KernelSize, Strides, Dilation, equivalentPadding);
    }

    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> CreateModule(Shape input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var (before, after) = ResolveCropping();
        return new ConvolutionTransposeModule(Name, Rank, input.Channels, Filters, KernelSize, Strides, Dilation, before, after, OutputPadding,
            Groups, UseBias, Activation);
    }
}
