using Kernelwise.Data;
using Kernelwise.Modules;
using static TorchSharp.torch;

namespace Kernelwise.Layers;

/// <summary>
/// Resizes each image to <see cref="Height"/> × <see cref="Width"/> — Keras's <c>Resizing</c>: bilinear (PyTorch's
/// <c>interpolate</c> with <c>align_corners=False</c>, no antialiasing), nearest or bicubic. With
/// <see cref="CropToAspectRatio"/>, the largest centred window with the target's aspect ratio is taken first, so the image
/// is not distorted. Input (C, H, W), output (C, height, width); no parameters; the same in training and inference.
/// </summary>
public sealed class Resizing : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="height">Output rows.</param>
    /// <param name="width">Output columns.</param>
    /// <param name="interpolation">Nearest, Bilinear (default) or Bicubic.</param>
    /// <param name="cropToAspectRatio">Crop the centre to the target's aspect ratio before resizing.</param>
    /// <param name="name">Layer name; generated when null.</param>
    public Resizing(int height, int width, Interpolation interpolation = Interpolation.Bilinear, bool cropToAspectRatio = false, string? name = null) : base(name)
    {
        Height = Guard.Positive(height);
        Width = Guard.Positive(width);
        if (interpolation is not (Interpolation.Nearest or Interpolation.Bilinear or Interpolation.Bicubic))
            throw new ArgumentOutOfRangeException(nameof(interpolation), interpolation, $"Invalid value for argument interpolation of Resizing. Expected Nearest, Bilinear or Bicubic. Received interpolation={interpolation}.");
        Interpolation = interpolation;
        CropToAspectRatio = cropToAspectRatio;
    }

    /// <summary>Output rows.</summary>
    public int Height { get; }

    /// <summary>Output columns.</summary>
    public int Width { get; }

    /// <summary>The resampling.</summary>
    public Interpolation Interpolation { get; }

    /// <summary>Whether the centre is cropped to the target's aspect ratio first.</summary>
    public bool CropToAspectRatio { get; }

    /// <inheritdoc />
    public override Shape ComputeOutputShape(Shape input)
    {
        ArgumentNullException.ThrowIfNull(input);
        RequireRank(input, 3, "channels, height, width");
        return new Shape(input.Channels, Height, Width);
    }

    /// <summary>The centre window resized when <see cref="CropToAspectRatio"/> (the whole image otherwise): (rows, columns).</summary>
    internal (int Height, int Width) CropFor(Shape input)
    {
        int h = input[1], w = input[2];
        if (!CropToAspectRatio) return (h, w);
        // The largest h' × w' inside h × w with w' / h' = Width / Height (Keras's crop_to_aspect_ratio).
        int cropH = (int)Math.Min(h, (long)w * Height / Width);
        int cropW = (int)Math.Min(w, (long)h * Width / Height);
        return (Math.Max(1, cropH), Math.Max(1, cropW));
    }

    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> CreateModule(Shape input)
    {
        var (cropH, cropW) = CropFor(input);
        long[] size = { Height, Width };
        var mode = Interpolation switch
        {
            Interpolation.Nearest => InterpolationMode.Nearest,
            Interpolation.Bicubic => InterpolationMode.Bicubic,
            _ => InterpolationMode.Bilinear,
        };
        bool? alignCorners = mode == InterpolationMode.Nearest ? null : false;
        bool crop = cropH != input[1] || cropW != input[2];
        return new FunctionModule(Name, x =>
        {
            using var scope = NewDisposeScope();
            var source = crop ? CenterCropModule.Crop(x, cropH, cropW) : x;
            return nn.functional.interpolate(source, size, mode: mode, align_corners: alignCorners).MoveToOuterDisposeScope();
        });
    }
}
