namespace Kernelwise;

/// <summary>
/// F1, 2·TP / (2·TP + FP + FN), over the epoch: the mean of per-class F1 for multi-class outputs [N, C]
/// (scikit-learn's <c>f1_score(average="macro")</c>, Keras's <c>F1Score(average="macro")</c>), of the positive class
/// for a single binary output.
/// </summary>
public sealed class F1Score : ClassificationMetric
{
    /// <inheritdoc />
    public override string Name => "f1_score";

    /// <inheritdoc />
    protected override double Macro(ConfusionMatrix m) => m.MacroF1;

    /// <inheritdoc />
    protected override double Binary(ConfusionMatrix m) => m.F1(1);

    /// <inheritdoc />
    public override Metric Clone() => new F1Score();
}
