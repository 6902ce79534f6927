namespace Kernelwise.Diagnostics;

/// <summary>
/// Settings of <see cref="GradientChecker"/>. The defaults are PyTorch's <c>torch.autograd.gradcheck</c> defaults
/// (eps 1e-6, atol 1e-5, rtol 1e-3), suited to float64.
/// </summary>
public sealed record GradientCheckOptions
{
    /// <summary>The default settings.</summary>
    public static GradientCheckOptions Default { get; } = new();

    /// <summary>
    /// Step h of the central difference (f(x + h) − f(x − h)) / 2h. Its error is O(h²) from truncation plus about
    /// 1e-16·|f| / h from rounding, so 1e-6 balances the two in float64.
    /// </summary>
    public double Epsilon { get; init; } = 1e-6;

    /// <summary>Absolute tolerance: an element passes when |analytical − numerical| ≤ atol + rtol·|numerical|.</summary>
    public double AbsoluteTolerance { get; init; } = 1e-5;

    /// <summary>Relative tolerance (see <see cref="AbsoluteTolerance"/>).</summary>
    public double RelativeTolerance { get; init; } = 1e-3;

    /// <summary>
    /// Checks at most this many elements of each input, drawn at random (seeded); null checks every element. Each
    /// checked element costs two evaluations of the function.
    /// </summary>
    public int? MaxElementsPerInput { get; init; }

    /// <summary>Seed of the random output weighting and of the element sample, for reproducible checks.</summary>
    public int Seed { get; init; }

    internal void Validate()
    {
        if (!(Epsilon > 0) || double.IsInfinity(Epsilon))
            throw new ArgumentOutOfRangeException(nameof(Epsilon), $"Invalid value for argument Epsilon of GradientCheckOptions. Expected a strictly positive, finite value. Received Epsilon={Epsilon}.");
        if (!(AbsoluteTolerance >= 0) || double.IsInfinity(AbsoluteTolerance))
            throw new ArgumentOutOfRangeException(nameof(AbsoluteTolerance), $"Invalid value for argument AbsoluteTolerance of GradientCheckOptions. Expected a finite value of 0 or more. Received AbsoluteTolerance={AbsoluteTolerance}.");
        if (!(RelativeTolerance >= 0) || double.IsInfinity(RelativeTolerance))
            throw new ArgumentOutOfRangeException(nameof(RelativeTolerance), $"Invalid value for argument RelativeTolerance of GradientCheckOptions. Expected a finite value of 0 or more. Received RelativeTolerance={RelativeTolerance}.");
        if (MaxElementsPerInput is < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxElementsPerInput), $"Invalid value for argument MaxElementsPerInput of GradientCheckOptions. Expected null or a strictly positive value. Received MaxElementsPerInput={MaxElementsPerInput}.");
    }
}
