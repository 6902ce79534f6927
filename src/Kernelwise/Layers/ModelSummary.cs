using System.Globalization;
using System.Text;

namespace Kernelwise.Layers;

/// <summary>
/// The model summary, computed by arithmetic alone (no tensors): per layer the output shape, parameters,
/// multiply-accumulates per sample, receptive field and effective stride (jump); then totals, parameter bytes and
/// activation bytes per sample. <see cref="ToString"/> renders console text in Keras's layout, <see cref="ToMarkdown"/> a
/// Markdown table.
/// </summary>
/// <remarks>
/// Receptive field r and jump j per spatial dimension start at 1 and follow r ← r + (d(k − 1))·j, j ← j·s for every
/// window (convolution or pooling); see <see cref="Shapes.ReceptiveField"/> for the layers after which they are not
/// defined ("-"). MACs count the multiply-accumulates of weights (convolutions, dense layers) and the scale-and-shift
/// of normalization layers at inference; pooling, activations and resampling count 0. Batch-norm running statistics count as non-trainable (Keras's convention);
/// <see cref="PyTorchParameterCount"/> gives the count PyTorch's <c>parameters()</c> reports, which leaves them out.
/// </remarks>
public sealed class ModelSummary
{
    internal ModelSummary(string name, IReadOnlyList<(string Name, Shape Shape)> inputs, IReadOnlyList<LayerDescription> rows, long pytorchCount)
    {
        Name = name;
        Inputs = inputs;
        Input = inputs[0].Shape;
        Rows = rows;
        PyTorchParameterCount = pytorchCount;
        foreach (var r in rows.Where(r => r.Depth == 0)) Totals += r.Parameters;
        MultiplyAccumulates = rows.Where(r => r.Depth == 0).Sum(r => r.MultiplyAccumulates);
        // Nested rows count too (the layers inside residual blocks and branches produce their own tensors), except rows
        // whose output is a tensor already counted.
        ActivationElements = rows.Where(r => !r.Layer.ReusesOutput).Sum(r => r.Output.Elements);
    }

    /// <summary>The model's name.</summary>
    public string Name { get; }

    /// <summary>The summary of a graph (a <c>Sequential</c> definition's chain or a functional model): one row per layer application.</summary>
    public static ModelSummary Of(LayerGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var rows = graph.Describe();
        return new ModelSummary(graph.Name, graph.Inputs.Select(i => (i.Name, i.Shape)).ToArray(), rows, rows.Where(r => r.Depth == 0).Sum(r => r.Parameters.Trainable));
    }

    /// <summary>The same summary with other rows (e.g. frozen layers counted as non-trainable).</summary>
    public ModelSummary WithRows(IReadOnlyList<LayerDescription> rows, long? pytorchParameterCount = null) => new(Name, Inputs, rows, pytorchParameterCount ?? PyTorchParameterCount);

    /// <summary>The (first) input shape.</summary>
    public Shape Input { get; }

    /// <summary>Every input, by name.</summary>
    public IReadOnlyList<(string Name, Shape Shape)> Inputs { get; }

    /// <summary>Whether the rows show the "Connected to" column (models that are not a plain chain).</summary>
    public bool ShowsConnections => Rows.Any(r => r.ConnectedTo is not null);

    /// <summary>Every layer, nested layers after their parent with a larger depth.</summary>
    public IReadOnlyList<LayerDescription> Rows { get; }

    /// <summary>Total trainable and non-trainable parameters (Keras's count).</summary>
    public ParameterCount Totals { get; }

    /// <summary>Parameters as PyTorch counts them (<c>sum(p.numel() for p in model.parameters())</c>): trainable only.</summary>
    public long PyTorchParameterCount { get; }

    /// <summary>Forward multiply-accumulates per sample.</summary>
    public long MultiplyAccumulates { get; }

    /// <summary>Values produced by all layers per sample, nested ones included (activation memory, float32 = 4 bytes each).</summary>
    public long ActivationElements { get; }

    /// <summary>Bytes of all parameters in float32.</summary>
    public long ParameterBytes => Totals.Total * 4;

    /// <summary>Bytes of all activations of one sample in float32.</summary>
    public long ActivationBytes => ActivationElements * 4;

    /// <summary>Console text in Keras's layout, with the extra columns.</summary>
    public override string ToString()
    {
        var header = ShowsConnections
            ? new[] { "Layer (type)", "Output Shape", "Param #", "MACs", "Receptive field", "Jump", "Connected to" }
            : new[] { "Layer (type)", "Output Shape", "Param #", "MACs", "Receptive field", "Jump" };
        var table = Rows.Select(Cells).ToList();
        var widths = header.Select((h, i) => Math.Max(h.Length, table.Count == 0 ? 0 : table.Max(r => r[i].Length))).ToArray();
        int total = widths.Sum() + 2 * (widths.Length - 1);
        var b = new StringBuilder();
        b.AppendLine($"Model: \"{Name}\"   {InputText}");
        b.AppendLine(new string('─', total));
        b.AppendLine(Line(header, widths));
        b.AppendLine(new string('═', total));
        foreach (var row in table) b.AppendLine(Line(row, widths));
        b.AppendLine(new string('═', total));
        foreach (var line in TotalLines()) b.AppendLine(line);
        b.AppendLine(new string('─', total));
        foreach (var line in Legend) b.AppendLine(line);
        return b.ToString();
    }

    /// <summary>The same content as a Markdown table.</summary>
    public string ToMarkdown()
    {
        var b = new StringBuilder();
        b.AppendLine($"**Model \"{Name}\"**, {InputText}").AppendLine();
        b.AppendLine(ShowsConnections ? "| Layer (type) | Output Shape | Param # | MACs | Receptive field | Jump | Connected to |" : "| Layer (type) | Output Shape | Param # | MACs | Receptive field | Jump |");
        b.AppendLine(ShowsConnections ? "|---|---|---:|---:|---|---|---|" : "|---|---|---:|---:|---|---|");
        foreach (var r in Rows)
        {
            var c = Cells(r);
            c[0] = string.Concat(Enumerable.Repeat("&nbsp;&nbsp;", r.Depth)) + c[0].TrimStart();
            b.AppendLine("| " + string.Join(" | ", c.Select(s => s.Replace("|", "\\|", StringComparison.Ordinal))) + " |");
        }
        b.AppendLine();
        foreach (var line in TotalLines()) b.AppendLine("- " + line);
        b.AppendLine();
        b.AppendLine("_" + string.Join(" ", Legend) + "_");
        return b.ToString();
    }

    private IEnumerable<string> TotalLines()
    {
        yield return $"Total params: {N(Totals.Total)} ({Bytes(ParameterBytes)})";
        yield return $"Trainable params: {N(Totals.Trainable)} ({Bytes(Totals.Trainable * 4)})";
        yield return $"Non-trainable params: {N(Totals.NonTrainable)} ({Bytes(Totals.NonTrainable * 4)})";
        yield return $"PyTorch parameter count (trainable tensors only): {N(PyTorchParameterCount)}";
        yield return $"Multiply-accumulates per sample: {N(MultiplyAccumulates)}{Scaled(MultiplyAccumulates)}";
        yield return $"Activations per sample: {N(ActivationElements)} values ({Bytes(ActivationBytes)})";
    }

    /// <summary>What the receptive-field and jump columns mean, printed under the table.</summary>
    internal static readonly string[] Legend =
    {
        "Receptive field: input pixels (per spatial dimension) that one output unit depends on. Jump: input pixels between neighbouring output units.",
        "\"-\": not defined — the output is not spatial, or an earlier layer upsamples (UpSampling2D, a strided transposed convolution) or reshapes.",
    };

    private static string Scaled(long v)
    {
        if (v < 1_000_000) return "";
        return v < 1_000_000_000
            ? " (" + (v / 1e6).ToString("0.00", CultureInfo.InvariantCulture) + " M)"
            : " (" + (v / 1e9).ToString("0.00", CultureInfo.InvariantCulture) + " G)";
    }

    private string InputText => Inputs.Count == 1 ? $"input {Input}" : "inputs " + string.Join(", ", Inputs.Select(i => $"{i.Name} {i.Shape}"));

    private string[] Cells(LayerDescription r) => ShowsConnections ? BaseCells(r).Append(r.ConnectedTo is null ? "" : string.Join(", ", r.ConnectedTo)).ToArray() : BaseCells(r);

    private static string[] BaseCells(LayerDescription r) => new[]
    {
        new string(' ', 2 * r.Depth) + $"{r.Layer.Name} ({r.Layer.TypeName})",
        r.Output.ToString(),
        N(r.Parameters.Total),
        N(r.MultiplyAccumulates),
        r.ReceptiveField is null ? "-" : string.Join("×", r.ReceptiveField),
        r.Jump is null ? "-" : string.Join("×", r.Jump),
    };

    private static string Line(string[] cells, int[] widths)
    {
        var parts = new string[cells.Length];
        for (int i = 0; i < cells.Length; i++)
            parts[i] = i == 0 || i == 1 || i == 6 ? cells[i].PadRight(widths[i]) : cells[i].PadLeft(widths[i]);
        return string.Join("  ", parts).TrimEnd();
    }

    internal static string N(long v) => v.ToString("N0", CultureInfo.InvariantCulture);

    internal static string Bytes(long bytes)
    {
        string[] units = { "B", "KB", "MB", "GB", "TB" };
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.Length - 1) { v /= 1024; u++; }
        return u == 0 ? $"{bytes} B" : v.ToString("0.00", CultureInfo.InvariantCulture) + " " + units[u];
    }
}
