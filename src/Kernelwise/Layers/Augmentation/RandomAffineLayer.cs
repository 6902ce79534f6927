using Kernelwise.Data;
using static TorchSharp.torch;

namespace Kernelwise.Layers;

/// <summary>Checks and conversions shared by the resampling augmentation layers (rotation, translation, zoom).</summary>
internal static class RandomAffine
{
    public static void CheckFactor(double value, string argument, string layer, double max)
    {
        if (!(value >= 0 && value <= max))
            throw new ArgumentOutOfRangeException(argument, value, $"Invalid value for argument {argument} of {layer}. Expected a value in [0, {max}]. Received {argument}={value}.");
    }

    public static (GridSampleMode Mode, GridSamplePaddingMode Padding) Check(FillMode fillMode, Interpolation interpolation, double fillValue, string layer)
    {
        var padding = fillMode switch
        {
            FillMode.Reflect => GridSamplePaddingMode.Reflection,
            FillMode.Constant => GridSamplePaddingMode.Zeros,
            FillMode.Nearest => GridSamplePaddingMode.Border,
            _ => throw new ArgumentOutOfRangeException(nameof(fillMode), fillMode, $"Invalid value for argument fillMode of {layer}. Expected Reflect, Constant or Nearest. Received fillMode={fillMode}."),
        };
        var mode = interpolation switch
        {
            Interpolation.Bilinear => GridSampleMode.Bilinear,
            Interpolation.Nearest => GridSampleMode.Nearest,
            _ => throw new ArgumentOutOfRangeException(nameof(interpolation), interpolation, $"Invalid value for argument interpolation of {layer}. Expected Bilinear or Nearest. Received interpolation={interpolation}."),
        };
        if (!double.IsFinite(fillValue))
            throw new ArgumentOutOfRangeException(nameof(fillValue), fillValue, $"Invalid value for argument fillValue of {layer}. Expected a finite value. Received fillValue={fillValue}.");
        return (mode, padding);
    }
}
