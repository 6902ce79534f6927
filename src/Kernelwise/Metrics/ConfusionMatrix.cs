using System.Globalization;
using System.Text;
using static TorchSharp.torch;

namespace Kernelwise;

/// <summary>
/// Counts of (actual class, predicted class) pairs, accumulated exactly over any number of batches; rows are the
/// actual classes, columns the predicted ones (scikit-learn's convention). Per-class and macro-averaged precision,
/// recall and F1 are derived from the counts.
/// </summary>
/// <remarks>
/// <para>Predictions are scores [N, classes] (the highest wins) or, for a binary model with one output, logits [N] or
/// [N, 1] (positive when above 0, i.e. probability above 0.5). Targets are class indices [N] (or 0/1 values).</para>
/// <para>Ratios with a zero denominator count as 0 (scikit-learn's <c>zero_division=0</c>). Macro averages are taken
/// over the classes that occur among the targets or the predictions (scikit-learn's default label set).</para>
/// </remarks>
public sealed class ConfusionMatrix
{
    private readonly long[] _counts;

    /// <summary>Creates an empty matrix.</summary>
    /// <param name="classes">Number of classes (2 or more).</param>
    /// <param name="classNames">Optional names, in class-index order, for printing and plotting.</param>
    public ConfusionMatrix(int classes, IReadOnlyList<string>? classNames = null)
    {
        if (classes < 2) throw new ArgumentOutOfRangeException(nameof(classes), classes, $"Invalid value for argument classes. Expected 2 or more. Received classes={classes}.");
        if (classNames is not null && classNames.Count != classes)
            throw new ArgumentException($"Invalid value for argument classNames. Expected {classes} names. Received {classNames.Count}.", nameof(classNames));
        Classes = classes;
        ClassNames = classNames?.ToArray();
        _counts = new long[classes * classes];
    }

    /// <summary>Number of classes.</summary>
    public int Classes { get; }

    /// <summary>Class names, when given.</summary>
    public IReadOnlyList<string>? ClassNames { get; }

    /// <summary>Samples whose actual class is <paramref name="actual"/> and predicted class <paramref name="predicted"/>.</summary>
    public long this[int actual, int predicted] => _counts[Index(actual) * Classes + Index(predicted)];

    /// <summary>A copy of the counts, [actual, predicted].</summary>
    public long[,] ToArray()
    {
        var a = new long[Classes, Classes];
        for (int i = 0; i < Classes; i++)
            for (int j = 0; j < Classes; j++) a[i, j] = _counts[i * Classes + j];
        return a;
    }

    /// <summary>All samples counted.</summary>
    public long Total => _counts.Sum();

    /// <summary>Adds <paramref name="count"/> samples of one (actual, predicted) pair.</summary>
    public void Add(int actual, int predicted, long count = 1) => _counts[Index(actual) * Classes + Index(predicted)] += count;

    /// <summary>Clears all counts.</summary>
    public void Reset() => Array.Clear(_counts);

    /// <summary>Counts one batch (see the remarks for the accepted shapes). The tensors are neither kept nor disposed.</summary>
    public void Update(Tensor predictions, Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(targets);
        using var scope = NewDisposeScope();
        var predicted = PredictedClasses(predictions);
        var actual = targets.dim() == 2 && targets.shape[1] == 1 ? targets.squeeze(1) : targets;
        if (actual.dim() != 1 || actual.shape[0] != predicted.shape[0])
            throw new ArgumentException($"ConfusionMatrix expects class-index targets [batch] matching predictions [{string.Join(", ", predictions.shape)}]; received [{string.Join(", ", targets.shape)}].", nameof(targets));
        actual = actual.to_type(ScalarType.Int64);
        if (actual.numel() == 0) return;
        long min = actual.min().item<long>(), max = actual.max().item<long>();
        if (min < 0 || max >= Classes)
            throw new ArgumentException($"ConfusionMatrix has {Classes} classes but received target class {(min < 0 ? min : max)}; targets must lie in [0, {Classes - 1}].", nameof(targets));
        if (predictions.dim() == 2 && predictions.shape[1] >= 2 && predictions.shape[1] != Classes)
            throw new ArgumentException($"ConfusionMatrix has {Classes} classes but the predictions have {predictions.shape[1]}.", nameof(predictions));
        var pairs = (actual * Classes + predicted).cpu();
        var counts = pairs.bincount(null, Classes * Classes);
        var values = counts.data<long>().ToArray();
        for (int i = 0; i < values.Length; i++) _counts[i] += values[i];
    }

    /// <summary>Predicted class indices for a batch: argmax of [N, C ≥ 2] scores, or logit &gt; 0 for binary [N] / [N, 1] outputs.</summary>
    internal static Tensor PredictedClasses(Tensor predictions)
    {
        if (predictions.dim() == 2 && predictions.shape[1] >= 2) return predictions.argmax(1);
        if (predictions.dim() == 1 || (predictions.dim() == 2 && predictions.shape[1] == 1))
            return predictions.reshape(-1).gt(0).to_type(ScalarType.Int64);
        throw new ArgumentException($"Expected predictions [batch, classes] or binary logits [batch] / [batch, 1]; received [{string.Join(", ", predictions.shape)}].", nameof(predictions));
    }

    /// <summary>Fraction of samples on the diagonal.</summary>
    public double Accuracy => Total == 0 ? 0 : (double)Enumerable.Range(0, Classes).Sum(c => this[c, c]) / Total;

    /// <summary>Of the samples predicted as <paramref name="c"/>, the fraction that are <paramref name="c"/>: TP / (TP + FP).</summary>
    public double Precision(int c) => Ratio(this[c, c], Column(c));

    /// <summary>Of the samples that are <paramref name="c"/>, the fraction predicted as <paramref name="c"/>: TP / (TP + FN).</summary>
    public double Recall(int c) => Ratio(this[c, c], Row(c));

    /// <summary>Harmonic mean of precision and recall of class <paramref name="c"/>: 2·TP / (2·TP + FP + FN).</summary>
    public double F1(int c) => Ratio(2 * this[c, c], Row(c) + Column(c));

    /// <summary>Unweighted mean of per-class precision over the classes present.</summary>
    public double MacroPrecision => Macro(Precision);

    /// <summary>Unweighted mean of per-class recall over the classes present.</summary>
    public double MacroRecall => Macro(Recall);

    /// <summary>Unweighted mean of per-class F1 over the classes present (not the F1 of the macro precision and recall).</summary>
    public double MacroF1 => Macro(F1);

    /// <summary>Classes that occur among the targets or the predictions.</summary>
    public IEnumerable<int> PresentClasses => Enumerable.Range(0, Classes).Where(c => Row(c) + Column(c) > 0);

    /// <summary>Sum of row <paramref name="actual"/> (samples of that class).</summary>
    public long Row(int actual) => Enumerable.Range(0, Classes).Sum(p => this[actual, p]);

    /// <summary>Sum of column <paramref name="predicted"/> (samples predicted as that class).</summary>
    public long Column(int predicted) => Enumerable.Range(0, Classes).Sum(a => this[a, predicted]);

    private double Macro(Func<int, double> perClass)
    {
        var present = PresentClasses.ToList();
        return present.Count == 0 ? 0 : present.Average(perClass);
    }

    private static double Ratio(long numerator, long denominator) => denominator == 0 ? 0 : (double)numerator / denominator;

    private int Index(int c)
    {
        if (c < 0 || c >= Classes) throw new ArgumentOutOfRangeException(nameof(c), c, $"Class index {c} is out of range for a confusion matrix of {Classes} classes.");
        return c;
    }

    internal long[] RawCounts => _counts;

    /// <summary>A text table: actual classes down, predicted across, with per-class recall.</summary>
    public override string ToString()
    {
        var names = Enumerable.Range(0, Classes).Select(c => ClassNames?[c] ?? c.ToString(CultureInfo.InvariantCulture)).ToArray();
        const string corner = "actual \\ predicted";
        int first = Math.Max(corner.Length, names.Max(n => n.Length)) + 2;
        int width = Math.Max(names.Max(n => n.Length), _counts.Max().ToString(CultureInfo.InvariantCulture).Length) + 1;
        var b = new StringBuilder();
        b.Append(corner.PadRight(first));
        foreach (var n in names) b.Append(n.PadLeft(width));
        b.AppendLine("   recall");
        for (int a = 0; a < Classes; a++)
        {
            b.Append(names[a].PadRight(first));
            for (int p = 0; p < Classes; p++) b.Append(this[a, p].ToString(CultureInfo.InvariantCulture).PadLeft(width));
            b.AppendLine("   " + Recall(a).ToString("0.000", CultureInfo.InvariantCulture));
        }
        b.Append(CultureInfo.InvariantCulture, $"accuracy {Accuracy:0.0000}, macro precision {MacroPrecision:0.0000}, macro recall {MacroRecall:0.0000}, macro F1 {MacroF1:0.0000}");
        return b.ToString();
    }
}
