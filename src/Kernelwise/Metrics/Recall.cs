namespace Kernelwise;

/// <summary>
/// Recall, TP / (TP + FN), over the epoch: macro-averaged over classes for multi-class outputs [N, C]
/// (scikit-learn's <c>recall_score(average="macro")</c>), of the positive class for a single binary output
/// (Keras's <c>Recall</c>).
/// </summary>
public sealed class Recall : ClassificationMetric
{
    /// <inheritdoc />
    public override string Name => "recall";

    /// <inheritdoc />
    protected override double Macro(ConfusionMatrix m) => m.MacroRecall;

    /// <inheritdoc />
    protected override double Binary(ConfusionMatrix m) => m.Recall(1);

    /// <inheritdoc />
    public override Metric Clone() => new Recall();
}
