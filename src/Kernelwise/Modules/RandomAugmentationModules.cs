using static TorchSharp.torch;

namespace Kernelwise.Modules;

/// <summary>Flips each image of the batch left-right and/or upside down with probability ½, in training mode only.</summary>
internal sealed class RandomFlipModule : nn.Module<Tensor, Tensor>
{
    private readonly bool _horizontal, _vertical;

    public RandomFlipModule(string name, bool horizontal, bool vertical) : base(name) => (_horizontal, _vertical) = (horizontal, vertical);

    public override Tensor forward(Tensor input)
    {
        if (!training) return input.alias();
        using var scope = NewDisposeScope();
        var x = input;
        if (_horizontal) x = FlipSome(x, 3);
        if (_vertical) x = FlipSome(x, 2);
        return (ReferenceEquals(x, input) ? input.alias() : x).MoveToOuterDisposeScope();
    }

    private static Tensor FlipSome(Tensor x, long dim)
    {
        var flip = rand(new[] { x.shape[0], 1L, 1L, 1L }, device: x.device).lt(0.5);
        return where(flip, x.flip(dim), x);
    }
}

/// <summary>
/// Random affine resampling of each image (rotation, translation or zoom), in training mode only: a per-sample 2×3 matrix
/// in normalised coordinates, <c>affine_grid</c> and <c>grid_sample</c> (align_corners false). A constant fill is
/// sampled as zeros around <c>x − fill</c>, then shifted back.
/// </summary>
internal sealed class RandomAffineModule : nn.Module<Tensor, Tensor>
{
    private readonly double _maxRadians;
    private readonly double _heightShift, _widthShift;
    private readonly (double Low, double High)? _zoomHeight, _zoomWidth;
    private readonly GridSampleMode _mode;
    private readonly GridSamplePaddingMode _padding;
    private readonly double _fill;

    /// <param name="name">Module name.</param>
    /// <param name="maxRadians">Rotations drawn uniformly in [−max, max].</param>
    /// <param name="heightShift">Vertical shifts drawn in [−f, f] of the height.</param>
    /// <param name="widthShift">Horizontal shifts drawn in [−f, f] of the width.</param>
    /// <param name="zoomHeight">Vertical zoom factors z (sampling scale 1 + z) drawn in [low, high]; null for none.</param>
    /// <param name="zoomWidth">Horizontal zoom range; null to reuse the vertical draw (aspect ratio kept).</param>
    /// <param name="mode">Interpolation.</param>
    /// <param name="padding">What fills the area outside the image.</param>
    /// <param name="fill">The constant fill value (zeros padding only).</param>
    public RandomAffineModule(string name, double maxRadians, double heightShift, double widthShift, (double, double)? zoomHeight, (double, double)? zoomWidth,
        GridSampleMode mode, GridSamplePaddingMode padding, double fill) : base(name)
    {
        (_maxRadians, _heightShift, _widthShift, _zoomHeight, _zoomWidth, _mode, _padding, _fill) =
            (maxRadians, heightShift, widthShift, zoomHeight, zoomWidth, mode, padding, fill);
    }

    public override Tensor forward(Tensor input)
    {
        if (!training) return input.alias();
        using var scope = NewDisposeScope();
        long n = input.shape[0];
        double h = input.shape[2], w = input.shape[3];
        var options = (dtype: input.dtype, device: input.device);
        Tensor Uniform(double low, double high) => rand(new[] { n }, dtype: options.dtype, device: options.device) * (high - low) + low;

        var angle = Uniform(-_maxRadians, _maxRadians);
        var cos = angle.cos();
        var sin = angle.sin();
        var sy = _zoomHeight is { } zh ? Uniform(zh.Low, zh.High) + 1 : ones(n, dtype: options.dtype, device: options.device);
        var sx = _zoomWidth is { } zw ? Uniform(zw.Low, zw.High) + 1 : sy;
        var tx = Uniform(-_widthShift, _widthShift) * 2;
        var ty = Uniform(-_heightShift, _heightShift) * 2;
        // Rotation in pixel space, expressed in normalised coordinates (x spans the width, y the height), then zoom.
        var row0 = stack(new[] { cos * sx, -sin * (h / w) * sy, tx }, 1);
        var row1 = stack(new[] { sin * (w / h) * sx, cos * sy, ty }, 1);
        var theta = stack(new[] { row0, row1 }, 1);
        var grid = nn.functional.affine_grid(theta, input.shape, align_corners: false);
        bool shift = _padding == GridSamplePaddingMode.Zeros && _fill != 0;
        var source = shift ? input - _fill : input;
        var sampled = nn.functional.grid_sample(source, grid, _mode, _padding, align_corners: false);
        return (shift ? sampled + _fill : sampled).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// A random window of each image in training (after zero padding), the centre window at inference (identity when the
/// window is the whole image).
/// </summary>
internal sealed class RandomCropModule : nn.Module<Tensor, Tensor>
{
    private readonly int _height, _width, _padding;

    public RandomCropModule(string name, int height, int width, int padding) : base(name) => (_height, _width, _padding) = (height, width, padding);

    public override Tensor forward(Tensor input)
    {
        long h = input.shape[2], w = input.shape[3];
        if (!training) return CenterCropModule.Crop(input, _height, _width);
        using var scope = NewDisposeScope();
        var padded = _padding > 0 ? nn.functional.pad(input, new long[] { _padding, _padding, _padding, _padding }) : input;
        long n = input.shape[0];
        long rows = h + 2 * _padding - _height + 1, cols = w + 2 * _padding - _width + 1;
        // Per-sample offsets through a gather: index rows and columns of each image.
        var top = randint(rows, new[] { n }, device: input.device);
        var left = randint(cols, new[] { n }, device: input.device);
        var rowIndex = (top.unsqueeze(1) + arange(_height, device: input.device)).view(n, 1, _height, 1).expand(n, input.shape[1], _height, padded.shape[3]);
        var byRows = padded.gather(2, rowIndex);
        var colIndex = (left.unsqueeze(1) + arange(_width, device: input.device)).view(n, 1, 1, _width).expand(n, input.shape[1], _height, _width);
        return byRows.gather(3, colIndex).MoveToOuterDisposeScope();
    }
}

/// <summary>The centre window of each image (the same in training and inference).</summary>
internal sealed class CenterCropModule : nn.Module<Tensor, Tensor>
{
    private readonly int _height, _width;

    public CenterCropModule(string name, int height, int width) : base(name) => (_height, _width) = (height, width);

    public override Tensor forward(Tensor input) => Crop(input, _height, _width);

    /// <summary>The centre <paramref name="height"/> × <paramref name="width"/> window (top and left offsets rounded down, as Keras); a fresh tensor.</summary>
    public static Tensor Crop(Tensor input, int height, int width)
    {
        long top = (input.shape[2] - height) / 2, left = (input.shape[3] - width) / 2;
        if (top == 0 && left == 0 && input.shape[2] == height && input.shape[3] == width) return input.alias();
        using var scope = NewDisposeScope();
        return input.narrow(2, top, height).narrow(3, left, width).contiguous().MoveToOuterDisposeScope();
    }
}
