namespace Kernelwise;

/// <summary>
/// Precision, TP / (TP + FP), over the epoch: macro-averaged over classes for multi-class outputs [N, C]
/// (scikit-learn's <c>precision_score(average="macro")</c>), of the positive class for a single binary output
/// (Keras's <c>Precision</c>).
/// </summary>
public sealed class Precision : ClassificationMetric
{
    /// <inheritdoc />
    public override string Name => "precision";

    /// <inheritdoc />
    protected override double Macro(ConfusionMatrix m) => m.MacroPrecision;

    /// <inheritdoc />
    protected override double Binary(ConfusionMatrix m) => m.Precision(1);

    /// <inheritdoc />
    public override Metric Clone() => new Precision();
}
