using System.Text;

namespace Kernelwise.Zoo;

/// <summary>One tensor of a weights load that did not go in as it was: its torchvision key, the model's key, and the shapes.</summary>
/// <param name="Key">The torchvision key (<c>fc.weight</c>).</param>
/// <param name="ModelKey">The Kernelwise state-dict key it maps to; null for a tensor the model does not have.</param>
/// <param name="FileShape">The tensor's shape in the file or state dict; null for a tensor the file lacks.</param>
/// <param name="ModelShape">The shape the model needs; null for a tensor the model does not have.</param>
public sealed record WeightsLoadEntry(string Key, string? ModelKey, long[]? FileShape, long[]? ModelShape)
{
    /// <inheritdoc />
    public override string ToString()
    {
        if (ModelShape is null) return $"{Key} {Dims(FileShape)}";
        if (FileShape is null) return $"{Key} {Dims(ModelShape)} (model tensor '{ModelKey}')";
        return $"{Key}: file {Dims(FileShape)}, model {Dims(ModelShape)}";
    }

    internal static string Dims(long[]? shape) => shape is null ? "" : "[" + string.Join(", ", shape) + "]";
}

/// <summary>
/// What a weights load did, tensor by tensor: which tensors were copied, which tensors of the file the model has no
/// place for (skipped — a classifier the model was built without, auxiliary heads), which tensors of the model the file
/// does not hold (missing — a new head, left as initialised), and which had a different shape (mismatched — a head for
/// another number of classes, left as initialised). Returned by every load and written to the log whenever the load was
/// partial, so a partial load is never silent.
/// </summary>
public sealed class WeightsLoadReport
{
    internal WeightsLoadReport(string source, string modelName, IReadOnlyList<string> loaded, IReadOnlyList<WeightsLoadEntry> skipped,
        IReadOnlyList<WeightsLoadEntry> missing, IReadOnlyList<WeightsLoadEntry> mismatched)
    {
        Source = source;
        ModelName = modelName;
        Loaded = loaded;
        Skipped = skipped;
        Missing = missing;
        Mismatched = mismatched;
    }

    /// <summary>Where the weights came from: a file path, or "a state dict".</summary>
    public string Source { get; }

    /// <summary>The model that received them.</summary>
    public string ModelName { get; }

    /// <summary>Torchvision keys of the tensors copied into the model.</summary>
    public IReadOnlyList<string> Loaded { get; }

    /// <summary>Tensors of the file that the model has no place for; not loaded.</summary>
    public IReadOnlyList<WeightsLoadEntry> Skipped { get; }

    /// <summary>Tensors of the model that the file lacks; they keep their initial values.</summary>
    public IReadOnlyList<WeightsLoadEntry> Missing { get; }

    /// <summary>Tensors whose shape differs between file and model; not loaded, the model keeps its initial values.</summary>
    public IReadOnlyList<WeightsLoadEntry> Mismatched { get; }

    /// <summary>True when every tensor of the model was loaded and every tensor of the file was used.</summary>
    public bool IsComplete => Skipped.Count == 0 && Missing.Count == 0 && Mismatched.Count == 0;

    /// <summary>Every tensor name that did not go in as it was: skipped, missing and mismatched keys.</summary>
    public IEnumerable<string> NotLoaded => Skipped.Concat(Missing).Concat(Mismatched).Select(e => e.Key);

    /// <summary>The report as text: a summary line, then one line per skipped, missing or mismatched tensor.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append($"Loaded {Loaded.Count} tensor(s) from {Source} into model '{ModelName}'");
        if (IsComplete) return text.Append("; every tensor of the model and of the file was used.").ToString();
        text.Append(':');
        Section(text, Skipped, "skipped (in the file, not in the model)");
        Section(text, Missing, "missing (in the model, not in the file; left as initialised)");
        Section(text, Mismatched, "mismatched shapes (not loaded; left as initialised)");
        return text.ToString();
    }

    private static void Section(StringBuilder text, IReadOnlyList<WeightsLoadEntry> entries, string title)
    {
        if (entries.Count == 0) return;
        text.AppendLine().Append($"  {entries.Count} {title}:");
        foreach (var e in entries) text.AppendLine().Append("    ").Append(e);
    }
}
