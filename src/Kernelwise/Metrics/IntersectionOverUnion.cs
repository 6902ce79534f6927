namespace Kernelwise;

/// <summary>
/// IoU read off a confusion matrix of element counts (<c>counts[actual · classes + predicted]</c>): for class c,
/// TP / (TP + FP + FN). Classes whose union is empty (never present, never predicted) are left out of the mean, as
/// Keras does; the mean of none is 0.
/// </summary>
internal static class IntersectionOverUnion
{
    public static double Of(IReadOnlyList<long> counts, int classes, int c)
    {
        long tp = counts[c * classes + c], row = 0, column = 0;
        for (int k = 0; k < classes; k++)
        {
            row += counts[c * classes + k];
            column += counts[k * classes + c];
        }
        long union = row + column - tp;
        return union == 0 ? double.NaN : (double)tp / union;
    }

    public static double Mean(IReadOnlyList<long> counts, int classes, IEnumerable<int> ids)
    {
        if (counts.Count == 0) return 0;
        var values = ids.Select(c => Of(counts, classes, c)).Where(v => !double.IsNaN(v)).ToList();
        return values.Count == 0 ? 0 : values.Average();
    }
}
