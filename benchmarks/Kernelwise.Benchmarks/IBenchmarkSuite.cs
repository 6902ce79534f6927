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
/// <param name="RepeatsGiven">Whether <paramref name="Repeats"/> came from the command line (otherwise suites may use their own default).</param>
/// <param name="Threads">libtorch intra-op threads of this run (child processes get the same).</param>
/// <param name="Settings">Suite-specific settings from <c>--set key=value</c> (e.g. <c>max-epochs=15</c>).</param>
public sealed record BenchmarkContext(int Repeats, bool Quick, bool RepeatsGiven = false, int Threads = 0, IReadOnlyDictionary<string, string>? Settings = null)
{
    /// <summary>The command line's <c>--repeats</c> when given, else <paramref name="suiteDefault"/> (long suites choose fewer repeats).</summary>
    public int RepeatsOr(int suiteDefault) => RepeatsGiven ? Repeats : suiteDefault;

    /// <summary>The integer setting <paramref name="key"/> from <c>--set key=value</c>, else <paramref name="fallback"/>.</summary>
    public int Setting(string key, int fallback)
    {
        if (Settings is null || !Settings.TryGetValue(key, out var text)) return fallback;
        return int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int value) && value > 0
            ? value
            : throw new ArgumentException($"Invalid value for setting {key}. Expected a positive integer. Received {key}={text}.");
    }

    /// <summary>The text setting <paramref name="key"/> from <c>--set key=value</c>, else <paramref name="fallback"/>.</summary>
    public string Setting(string key, string fallback) => Settings is not null && Settings.TryGetValue(key, out var text) ? text : fallback;
}

/// <summary>
/// A suite that measures some cases in fresh processes — for process-wide settings (the allocator) and for
/// resident-memory figures that must not include other cases. <see cref="ChildProcess.Run"/> starts this program with
/// <c>--child NAME args…</c>, which calls <see cref="RunChild"/>; the child reports with <see cref="ChildReport"/>.
/// </summary>
public interface IChildProcessSuite : IBenchmarkSuite
{
    /// <summary>Runs one case in this (child) process and reports its figures.</summary>
    void RunChild(IReadOnlyList<string> args, ChildReport report);
}

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

/// <summary>Where the harness writes: the repository's <c>benchmarks/results</c> folder.</summary>
public static class BenchmarkPaths
{
    /// <summary>The repository root (the folder holding Kernelwise.sln), or the current folder when run elsewhere.</summary>
    public static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Kernelwise.sln"))) dir = dir.Parent;
            return dir?.FullName ?? Directory.GetCurrentDirectory();
        }
    }

    /// <summary>benchmarks/results under the repository root.</summary>
    public static string ResultsDirectory => Path.Combine(RepoRoot, "benchmarks", "results");
}
