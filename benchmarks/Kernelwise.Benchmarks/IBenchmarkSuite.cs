namespace Kernelwise.Benchmarks;

/// <summary>
/// A group of side-by-side measurements. Suites are discovered by reflection: add a class implementing this
/// interface under Suites/ and it runs with `dotnet run -c Release --project benchmarks/Kernelwise.Benchmarks -- NAME`.
/// </summary>
public interface IBenchmarkSuite
{
    /// <summary>Short name used on the command line (e.g. "explicit", "data", "overhead").</summary>
    string Name { get; }

    /// <summary>One sentence: what is measured and against what baseline.</summary>
    string Description { get; }

    /// <summary>Runs the measurements and returns one result per case. Baselines and candidates should be interleaved in one run.</summary>
    IEnumerable<BenchmarkResult> Run(BenchmarkContext context);
}

/// <summary>Options shared by all suites.</summary>
/// <param name="Repeats">Measured repetitions per case (after warm-up).</param>
/// <param name="Quick">Smaller sizes / fewer epochs, for a smoke run.</param>
public sealed record BenchmarkContext(int Repeats, bool Quick);

/// <summary>
/// One measured case: raw samples (e.g. milliseconds per run, images per second), summarised as median/min/max.
/// <see cref="Baseline"/> names another case of the same suite; the table prints median(this)/median(baseline).
/// </summary>
public sealed record BenchmarkResult(string Case, string Unit, double[] Samples, string? Baseline = null, string? Note = null, bool HigherIsBetter = false)
{
    /// <summary>Median of the samples.</summary>
    public double Median => Stats.Median(Samples);

    /// <summary>Smallest sample.</summary>
    public double Min => Samples.Length == 0 ? double.NaN : Samples.Min();

    /// <summary>Largest sample.</summary>
    public double Max => Samples.Length == 0 ? double.NaN : Samples.Max();
}
