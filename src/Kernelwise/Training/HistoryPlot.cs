using ScottPlot;

namespace Kernelwise.Training;

/// <summary>Plots of training results as PNG files (ScottPlot, rendered headless).</summary>
public static class HistoryPlot
{
    /// <summary>
    /// Draws the learning curves of <paramref name="history"/> to a PNG: one panel for <c>loss</c> and <c>val_loss</c>,
    /// then one per metric with its validation curve (e.g. <c>accuracy</c> and <c>val_accuracy</c>), and one for
    /// <c>lr</c> (log scale) when it changed; x is the epoch, one-based as printed during training.
    /// </summary>
    /// <param name="history">The history (<c>model.History</c> or the value <c>Fit</c> returns).</param>
    /// <param name="path">The PNG file (written atomically).</param>
    /// <param name="keys">Keys to draw (their <c>val_</c> partners are added); by default every key.</param>
    /// <param name="width">Image width in pixels.</param>
    /// <param name="panelHeight">Height of each panel in pixels.</param>
    public static void Plot(this History history, string path, IEnumerable<string>? keys = null, int width = 900, int panelHeight = 300)
    {
        ArgumentNullException.ThrowIfNull(history);
        Guard.NotEmpty(path);
        if (history.Epochs.Count == 0) throw new InvalidOperationException("The history is empty: train for at least one epoch before plotting it.");
        var wanted = (keys ?? history.Keys).ToList();
        foreach (var k in wanted)
        {
            if (!history.Contains(k)) throw new KeyNotFoundException($"History has no key '{k}'. Keys recorded: {string.Join(", ", history.Keys)}.");
        }
        var bases = wanted.Select(k => k.StartsWith("val_", StringComparison.Ordinal) ? k[4..] : k).Distinct()
            .Where(k => k != "lr" || (history.Contains("lr") && history["lr"].Distinct().Count() > 1))
            .OrderBy(k => k == "loss" ? 0 : k == "lr" ? 2 : 1).ToList();
        double[] epochs = history.Epochs.Select(e => e + 1.0).ToArray();
        var figure = new Multiplot();
        figure.AddPlots(bases.Count);
        for (int i = 0; i < bases.Count; i++)
        {
            var plot = figure.GetPlot(i);
            string key = bases[i];
            foreach (var series in new[] { key, "val_" + key }.Where(history.Contains))
            {
                var ys = history[series].ToArray();
                if (key == "lr") ys = ys.Select(Math.Log10).ToArray();
                var line = plot.Add.Scatter(epochs, ys);
                line.LegendText = series;
            }
            plot.Title(key);
            plot.XLabel("epoch");
            Plots.IntegerBottomAxis(plot);
            if (key == "lr")
            {
                plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
                {
                    LabelFormatter = v => Math.Pow(10, v).ToString("0.##e+0", System.Globalization.CultureInfo.InvariantCulture),
                };
            }
            plot.ShowLegend();
        }
        Plots.Save(figure, path, width, panelHeight * bases.Count);
    }

    /// <summary>
    /// Draws the confusion matrix as a PNG heat map: actual classes down, predicted across, each cell labelled with
    /// its count, a colour bar, and class names when the matrix has them.
    /// </summary>
    /// <param name="matrix">The counts (e.g. from <c>model.ConfusionMatrix(testData)</c>).</param>
    /// <param name="path">The PNG file (written atomically).</param>
    /// <param name="normalize">Colour by each row's fraction (recall per cell) instead of raw counts; labels keep the counts.</param>
    /// <param name="size">Image width and height in pixels (default grows with the number of classes).</param>
    public static void Plot(this ConfusionMatrix matrix, string path, bool normalize = false, int? size = null)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        Guard.NotEmpty(path);
        int n = matrix.Classes;
        var values = new double[n, n];
        for (int a = 0; a < n; a++)
        {
            long row = matrix.Row(a);
            for (int p = 0; p < n; p++) values[a, p] = normalize ? (row == 0 ? 0 : (double)matrix[a, p] / row) : matrix[a, p];
        }
        var plot = new Plot();
        var heatmap = plot.Add.Heatmap(values);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        double max = values.Cast<double>().DefaultIfEmpty(0).Max();
        int fontSize = n <= 10 ? 14 : n <= 20 ? 10 : 7;
        for (int a = 0; a < n; a++)
        {
            for (int p = 0; p < n; p++)
            {
                var text = plot.Add.Text(matrix[a, p].ToString(System.Globalization.CultureInfo.InvariantCulture), p, n - 1 - a);
                text.LabelFontColor = values[a, p] > max * 0.6 ? Colors.Black : Colors.White;
                text.LabelAlignment = Alignment.MiddleCenter;
                text.LabelFontSize = fontSize;
            }
        }
        plot.Add.ColorBar(heatmap);
        var names = Enumerable.Range(0, n).Select(c => matrix.ClassNames?[c] ?? c.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var positions = Enumerable.Range(0, n).Select(i => (double)i).ToArray();
        plot.Axes.Bottom.SetTicks(positions, names);
        if (names.Any(s => s.Length > 3))
        {
            plot.Axes.Bottom.TickLabelStyle.Rotation = -45;
            plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleRight;
            plot.Axes.Bottom.MinimumSize = 30 + 7 * names.Max(s => s.Length); // room for the slanted names above the axis label
        }
        plot.Axes.Left.SetTicks(positions, names.Reverse().ToArray());
        plot.XLabel("predicted");
        plot.YLabel("actual");
        plot.Title(normalize ? "Confusion matrix (colour: fraction of each actual class)" : "Confusion matrix");
        int side = size ?? Math.Clamp(160 + 48 * n, 400, 1600);
        Plots.Save(plot, path, side + 80, side + (names.Any(s => s.Length > 3) ? 40 : 0));
    }
}
