using System.Globalization;
using ScottPlot;

namespace Kernelwise.Training;

/// <summary>
/// The outcome of <see cref="Trainer.FindLearningRate"/>: the rates tried, the smoothed losses, and two
/// suggestions as fastai's <c>lr_find</c> gives them.
/// </summary>
public sealed class LearningRateFinderResult
{
    internal LearningRateFinderResult(double[] rates, double[] losses, double[] rawLosses, bool diverged)
    {
        Rates = rates;
        Losses = losses;
        RawLosses = rawLosses;
        Diverged = diverged;
        int best = Array.IndexOf(losses, losses.Min());
        MinimumRate = rates[best] / 10;
        if (rates.Length >= 2)
        {
            int steepest = 0;
            double slope = double.PositiveInfinity;
            for (int i = 0; i + 1 < rates.Length; i++)
            {
                double g = (losses[i + 1] - losses[i]) / (Math.Log(rates[i + 1]) - Math.Log(rates[i]));
                if (g < slope)
                {
                    slope = g;
                    steepest = i;
                }
            }
            SteepestRate = rates[steepest];
        }
        else
        {
            SteepestRate = rates[0];
        }
    }

    /// <summary>The rates tried, increasing exponentially (one per batch).</summary>
    public IReadOnlyList<double> Rates { get; }

    /// <summary>The losses, smoothed by an exponential moving average (β = 0.98, bias-corrected), one per rate.</summary>
    public IReadOnlyList<double> Losses { get; }

    /// <summary>The raw batch losses.</summary>
    public IReadOnlyList<double> RawLosses { get; }

    /// <summary>Whether the sweep stopped early because the loss diverged (above 4× its minimum, or not finite).</summary>
    public bool Diverged { get; }

    /// <summary>The rate where the smoothed loss falls fastest against log(rate) (fastai's <c>steep</c>).</summary>
    public double SteepestRate { get; }

    /// <summary>The rate of the lowest smoothed loss, divided by 10 (fastai's <c>minimum</c>).</summary>
    public double MinimumRate { get; }

    /// <summary>The suggested rate: <see cref="SteepestRate"/>.</summary>
    public double SuggestedRate => SteepestRate;

    /// <summary>Draws loss against rate (log scale) with both suggestions marked, to a PNG file (written atomically).</summary>
    public void Plot(string path, int width = 800, int height = 500)
    {
        Guard.NotEmpty(path);
        var plot = new Plot();
        var line = plot.Add.Scatter(Rates.Select(Math.Log10).ToArray(), Losses.ToArray());
        line.LegendText = "smoothed loss";
        line.MarkerSize = 3;
        var steep = plot.Add.VerticalLine(Math.Log10(SteepestRate));
        steep.LegendText = "steepest " + SteepestRate.ToString("0.##e+0", CultureInfo.InvariantCulture);
        var minimum = plot.Add.VerticalLine(Math.Log10(MinimumRate));
        minimum.LegendText = "minimum/10 " + MinimumRate.ToString("0.##e+0", CultureInfo.InvariantCulture);
        minimum.LinePattern = LinePattern.Dashed;
        Plots.LogBottomAxis(plot);
        plot.XLabel("learning rate");
        plot.YLabel("loss");
        plot.Title("Learning-rate finder");
        plot.ShowLegend();
        Plots.Save(plot, path, width, height);
    }
}
