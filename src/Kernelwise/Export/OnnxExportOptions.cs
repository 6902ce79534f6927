namespace Kernelwise.Export;

/// <summary>Options of <see cref="OnnxExport.ExportOnnx(Models.Model, string, OnnxExportOptions?)"/>.</summary>
/// <remarks>
/// The exported graph has one input, <c>[batch, ...Model.InputShape]</c> float32 (NCHW), and one output,
/// <c>[batch, ...Model.OutputShape]</c> float32, where <c>batch</c> is a symbolic (dynamic) dimension.
/// </remarks>
public sealed record OnnxExportOptions
{
    /// <summary>
    /// Appends a softmax over axis 1 so the graph outputs class probabilities instead of logits (as
    /// <c>Model.PredictProbabilities</c> does). Default false. A model that already ends in softmax
    /// (<c>Model.EndsInSoftmax</c>) gets no second one; its output is still named <c>probabilities</c>.
    /// </summary>
    public bool AppendSoftmax { get; init; }

    /// <summary>The name of the graph input. Default <c>input</c>.</summary>
    public string InputName { get; init; } = "input";

    /// <summary>
    /// The name of the graph output; null picks <c>logits</c>, or <c>probabilities</c> when <see cref="AppendSoftmax"/> is set.
    /// </summary>
    public string? OutputName { get; init; }

    /// <summary>The name of the dynamic batch dimension of the input and output. Default <c>batch</c>.</summary>
    public string BatchDimensionName { get; init; } = "batch";

    /// <summary>Free text stored as the ONNX model's <c>doc_string</c> (shown by graph viewers); null for none.</summary>
    public string? Description { get; init; }

    internal string ResolvedOutputName => OutputName ?? (AppendSoftmax ? "probabilities" : "logits");

    internal void Validate()
    {
        Check(InputName, nameof(InputName));
        Check(ResolvedOutputName, nameof(OutputName));
        Check(BatchDimensionName, nameof(BatchDimensionName));
        if (InputName == ResolvedOutputName)
        {
            throw new ArgumentException(
                $"Invalid value for argument OutputName of OnnxExportOptions. Expected a name different from InputName. Received InputName='{InputName}', OutputName='{ResolvedOutputName}'.",
                "options");
        }
    }

    private static void Check(string value, string name)
    {
        if (string.IsNullOrWhiteSpace(value))
            throw new ArgumentException($"Invalid value for argument {name} of OnnxExportOptions. Expected a non-empty name. Received {name}='{value}'.", "options");
    }
}
