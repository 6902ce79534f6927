using Kernelwise.Modules;
using static TorchSharp.torch;

namespace Kernelwise.Layers;

/// <summary>
/// Adds rows and columns of zeros around each feature map — Keras's <c>ZeroPadding2D</c>, PyTorch's
/// <c>nn.ZeroPad2d</c>. Input (C, H, W), output (C, H + top + bottom, W + left + right); no parameters. Useful before
/// a "valid" convolution or pooling when the padding must be asymmetric or larger than a layer's own.
/// </summary>
public sealed class ZeroPadding2D : Layer
{
    /// <summary>Pads symmetrically: one amount for every side, or (rows above and below, columns left and right).</summary>
    /// <param name="padding">Amount per side (default 1), or (height, width) amounts.</param>
    /// <param name="name">Layer name; generated when null.</param>
    public ZeroPadding2D(SpatialSize padding = default, string? name = null) : base(name)
    {
        var p = (padding.IsEmpty ? (SpatialSize)1 : padding).Expand(2, "padding", nameof(ZeroPadding2D), minimum: 0);
        Top = Bottom = p[0];
        Left = Right = p[1];
    }

    /// <summary>Pads each side by its own amount (Keras's <c>((top, bottom), (left, right))</c>).</summary>
    /// <param name="height">Rows added above and below.</param>
    /// <param name="width">Columns added left and right.</param>
    /// <param name="name">Layer name; generated when null.</param>
    public ZeroPadding2D((int Top, int Bottom) height, (int Left, int Right) width, string? name = null) : base(name)
    {
        if (height.Top < 0 || height.Bottom < 0 || width.Left < 0 || width.Right < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(height),
                $"Invalid value for argument padding of ZeroPadding2D. Expected values of 0 or more. Received padding=(({height.Top}, {height.Bottom}), ({width.Left}, {width.Right})).");
        }
        (Top, Bottom, Left, Right) = (height.Top, height.Bottom, width.Left, width.Right);
    }

    /// <summary>Rows added (above, below).</summary>
    public (int Top, int Bottom) Height => (Top, Bottom);

    /// <summary>Columns added (left, right).</summary>
    public (int Left, int Right) Width => (Left, Right);

    /// <summary>Rows of zeros above.</summary>
    public int Top { get; }

    /// <summary>Rows of zeros below.</summary>
    public int Bottom { get; }

    /// <summary>Columns of zeros on the left.</summary>
    public int Left { get; }

    /// <summary>Columns of zeros on the right.</summary>
    public int Right { get; }

    /// <inheritdoc />
    public override Shape ComputeOutputShape(Shape input)
    {
        ArgumentNullException.ThrowIfNull(input);
        RequireRank(input, 3, "channels, height, width");
        return new Shape(input.Channels, input[1] + Top + Bottom, input[2] + Left + Right);
    }

    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> CreateModule(Shape input)
    {
        long[] pad = { Left, Right, Top, Bottom };
        return new FunctionModule(Name, x => nn.functional.pad(x, pad));
    }
}
