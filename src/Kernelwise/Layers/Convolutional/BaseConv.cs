using Kernelwise.Modules;
using Kernelwise.Shapes;
using static TorchSharp.torch;

namespace Kernelwise.Layers;

/// <summary>
/// Shared configuration, validation and shape rule of Conv1D, Conv2D and Conv3D (Keras's <c>BaseConv</c>):
/// input (channels, *spatial), output (filters, *spatial'), each spatial size
/// ⌊(n + p_before + p_after − d(k − 1) − 1)/s⌋ + 1.
/// </summary>
public abstract class BaseConv : Layer, IHasActivation
{
    /// <summary>Validates and stores the configuration; <paramref name="rank"/> is the number of spatial dimensions.</summary>
    protected BaseConv(int rank, int filters, SpatialSize kernelSize, SpatialSize strides, Padding padding, SpatialSize dilation,
        int groups, Activation activation, bool useBias, string? name) : base(name)
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
        KernelSize = kernelSize.Expand(rank, "kernelSize", type);
        Strides = (strides.IsEmpty ? (SpatialSize)1 : strides).Expand(rank, "strides", type);
        Dilation = (dilation.IsEmpty ? (SpatialSize)1 : dilation).Expand(rank, "dilation", type);
        Padding = padding;
        ConvolutionArithmetic.ExplicitPadding(padding, rank, type);
        Groups = groups;
        UseBias = useBias;
        Activation = activation;
    }

    /// <summary>Number of spatial dimensions (1, 2 or 3).</summary>
    public int Rank { get; }

    /// <summary>Number of output channels.</summary>
    public int Filters { get; }

    /// <summary>Kernel size per spatial dimension.</summary>
    public int[] KernelSize { get; }

    /// <summary>Stride per spatial dimension.</summary>
    public int[] Strides { get; }

    /// <summary>Dilation per spatial dimension (1 = ordinary convolution; above 1 = atrous).</summary>
    public int[] Dilation { get; }

    /// <summary>The padding as given.</summary>
    public Padding Padding { get; }

    /// <summary>Number of groups: input and output channels are split into this many independent convolutions.</summary>
    public int Groups { get; }

    /// <summary>Whether a bias is added.</summary>
    public bool UseBias { get; }

    /// <summary>Activation applied to the output.</summary>
    public Activation Activation { get; }

    /// <summary>Names of the spatial dimensions for messages.</summary>
    protected string[] SpatialNames => Rank switch
    {
        1 => new[] { "length" },
        2 => new[] { "height", "width" },
        _ => new[] { "depth", "height", "width" },
    };

    /// <summary>(before, after) padding per spatial dimension for this input.</summary>
    public (int[] Before, int[] After) ResolvePadding(Shape input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return ConvolutionArithmetic.ResolvePadding(Padding, input.Spatial, KernelSize, Strides, Dilation);
    }

    /// <inheritdoc />
    public override Shape ComputeOutputShape(Shape input)
    {
        RequireRank(input, Rank + 1, "channels, " + string.Join(", ", SpatialNames));
        int c = input.Channels;
        if (c % Groups != 0)
            throw BuildError(input, $"input channels {c} are not divisible by groups={Groups}.");
        var (before, after) = ResolvePadding(input);
        var dims = new int[Rank + 1];
        dims[0] = Filters;
        for (int i = 0; i < Rank; i++)
        {
            int n = input[i + 1];
            int padded = n + before[i] + after[i];
            int span = ConvolutionArithmetic.EffectiveKernel(KernelSize[i], Dilation[i]);
            if (span > padded)
            {
                string kernelText = Dilation[i] == 1 ? $"kernel {KernelSize[i]}" : $"dilated kernel {span} (d(k − 1) + 1 = {Dilation[i]}·({KernelSize[i]} − 1) + 1)";
                throw BuildError(input, $"{kernelText} is larger than the padded input {padded} ({n} + {before[i]} + {after[i]}) in dimension {SpatialNames[i]}.");
            }
            dims[i + 1] = ConvolutionArithmetic.OutputSize(n, KernelSize[i], Strides[i], before[i], after[i], Dilation[i]);
        }
        return new Shape(dims);
    }

    /// <inheritdoc />
    public override ParameterCount CountParameters(Shape input)
    {
        long k = KernelSize.Aggregate(1L, (a, v) => a * v);
        return new ParameterCount(k * (input.Channels / Groups) * Filters + (UseBias ? Filters : 0), 0);
    }

    /// <inheritdoc />
    public override long CountMultiplyAccumulates(Shape input, Shape output)
    {
        long k = KernelSize.Aggregate(1L, (a, v) => a * v);
        return output.Elements * k * (input.Channels / Groups);
    }

    /// <inheritdoc />
    public override SpatialWindow? GetSpatialWindow(Shape input) => new(KernelSize, Strides, Dilation, ResolvePadding(input).Before);

    /// <summary>
    /// An alternative convolution function for the module (x, weight, bias, stride, padding, dilation, groups);
    /// null uses libtorch's.
    /// </summary>
    private protected virtual Func<Tensor, Tensor, Tensor?, long[], long[], long[], long, Tensor>? ConvolutionFunction => null;

    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> CreateModule(Shape input)
    {
        var (before, after) = ResolvePadding(input);
        return new ConvolutionModule(Name, Rank, input.Channels, Filters, KernelSize, Strides, Dilation, before, after, Groups, UseBias, Activation, ConvolutionFunction);
    }
}
