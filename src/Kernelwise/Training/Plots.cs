using System.Globalization;
using Kernelwise.Formats;
using ScottPlot;

namespace Kernelwise.Training;

/// <summary>PNG rendering with ScottPlot (SkiaSharp; headless, no display needed). Files are written atomically.</summary>
internal static class Plots
{
    public static void Save(Plot plot, string path, int width, int height)
    {
        Guard.Positive(width);
        Guard.Positive(height);
        byte[] png = plot.GetImageBytes(width, height, ImageFormat.Png);
        AtomicFile.Write(path, s => s.Write(png));
    }

    public static void Save(Multiplot plot, string path, int width, int height)
    {
        Guard.Positive(width);
        Guard.Positive(height);
        var image = plot.Render(width, height);
        byte[] png = image.GetImageBytes(ImageFormat.Png);
        AtomicFile.Write(path, s => s.Write(png));
    }

    /// <summary>Bottom axis showing log10-transformed values as powers of ten.</summary>
    public static void LogBottomAxis(Plot plot)
    {
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = v => "1e" + v.ToString("0", CultureInfo.InvariantCulture),
        };
    }

    public static void IntegerBottomAxis(Plot plot)
        => plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
}
