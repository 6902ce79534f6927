using System.Globalization;

namespace Kernelwise.Diagnostics;

/// <summary>One checked element: where it is, both derivatives and how far apart they are.</summary>
/// <param name="Input">Name of the input (or parameter) the element belongs to.</param>
/// <param name="InputIndex">Position of that input in the checked list.</param>
/// <param name="Index">The element's index in its tensor, one entry per dimension.</param>
/// <param name="Analytical">The derivative from the backward pass (autograd).</param>
/// <param name="Numerical">The central-difference estimate.</param>
/// <param name="Allowed">The tolerance for this element: atol + rtol·|numerical|.</param>
public sealed record GradientCheckElement(string Input, int InputIndex, long[] Index, double Analytical, double Numerical, double Allowed)
{
    /// <summary>|analytical − numerical|.</summary>
    public double AbsoluteError => Math.Abs(Analytical - Numerical);

    /// <summary>|analytical − numerical| / |numerical| (infinite when the numerical value is 0 and they differ).</summary>
    public double RelativeError => AbsoluteError == 0 ? 0 : AbsoluteError / Math.Abs(Numerical);

    /// <summary>Error in units of the tolerance: above 1 (or NaN) fails.</summary>
    public double ErrorRatio => Allowed > 0 ? AbsoluteError / Allowed : AbsoluteError == 0 ? 0 : double.PositiveInfinity;

    /// <summary>Whether the element is within tolerance (NaN never is).</summary>
    public bool Passed => AbsoluteError <= Allowed;

    /// <summary>E.g. <c>weight[0, 1, 2, 2]: analytical 0.25 vs numerical 0.2500000001 (abs 1e-10, rel 4e-10, allowed 0.00026)</c>.</summary>
    public override string ToString()
        => string.Create(CultureInfo.InvariantCulture,
            $"{Input}[{string.Join(", ", Index)}]: analytical {Analytical:G10} vs numerical {Numerical:G10} (abs {AbsoluteError:G3}, rel {RelativeError:G3}, allowed {Allowed:G3})");
}
