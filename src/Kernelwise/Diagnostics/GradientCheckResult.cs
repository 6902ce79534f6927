using System.Globalization;

namespace Kernelwise.Diagnostics;

/// <summary>Outcome of a <see cref="GradientChecker"/> run for one input (or parameter).</summary>
/// <param name="Name">The input's name.</param>
/// <param name="Shape">The input's shape.</param>
/// <param name="CheckedElements">Elements compared.</param>
/// <param name="FailedElements">Elements outside tolerance.</param>
/// <param name="Worst">The element with the largest error relative to its tolerance (null when none was checked).</param>
public sealed record GradientCheckInputResult(string Name, long[] Shape, int CheckedElements, int FailedElements, GradientCheckElement? Worst);

/// <summary>
/// Outcome of a <see cref="GradientChecker"/> run: pass or fail, how many elements were compared, and the worst element
/// — which input, which index, both derivatives and the errors — overall and per input.
/// </summary>
public sealed class GradientCheckResult
{
    internal GradientCheckResult(IReadOnlyList<GradientCheckInputResult> inputs, GradientCheckOptions options)
    {
        Inputs = inputs;
        Options = options;
        Worst = inputs.Select(i => i.Worst).Where(w => w is not null)
            .OrderByDescending(w => double.IsNaN(w!.ErrorRatio) ? double.PositiveInfinity : w.ErrorRatio)
            .FirstOrDefault();
    }

    /// <summary>Whether every checked element is within tolerance.</summary>
    public bool Passed => Inputs.All(i => i.FailedElements == 0);

    /// <summary>Per-input results, in the order the inputs were given.</summary>
    public IReadOnlyList<GradientCheckInputResult> Inputs { get; }

    /// <summary>Elements compared, all inputs together.</summary>
    public int CheckedElements => Inputs.Sum(i => i.CheckedElements);

    /// <summary>Elements outside tolerance, all inputs together.</summary>
    public int FailedElements => Inputs.Sum(i => i.FailedElements);

    /// <summary>The element with the largest error relative to its tolerance, over all inputs.</summary>
    public GradientCheckElement? Worst { get; }

    /// <summary>The settings used.</summary>
    public GradientCheckOptions Options { get; }

    /// <summary>Throws <see cref="InvalidOperationException"/> with <see cref="ToString"/> as the message when the check failed.</summary>
    public void EnsurePassed()
    {
        if (!Passed) throw new InvalidOperationException(ToString());
    }

    /// <summary>A one-paragraph report: verdict, counts, tolerances and the worst element.</summary>
    public override string ToString()
    {
        var names = string.Join(", ", Inputs.Select(i => i.Name));
        string tolerance = string.Create(CultureInfo.InvariantCulture,
            $"eps {Options.Epsilon:G3}, atol {Options.AbsoluteTolerance:G3}, rtol {Options.RelativeTolerance:G3}");
        string head = Passed
            ? $"Gradient check passed: {CheckedElements} elements of {Inputs.Count} input(s) ({names}) within tolerance ({tolerance})."
            : $"Gradient check FAILED: {FailedElements} of {CheckedElements} elements of {Inputs.Count} input(s) ({names}) outside tolerance ({tolerance}).";
        if (Worst is null) return head;
        string perInput = string.Join("; ", Inputs.Where(i => i.FailedElements > 0).Select(i => $"{i.Name}: {i.FailedElements} of {i.CheckedElements} failed"));
        return head + $" Worst element: {Worst}." + (perInput.Length > 0 ? $" Failures by input: {perInput}." : "");
    }
}
