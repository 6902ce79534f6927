using System.Diagnostics;

namespace Kernelwise.Benchmarks;

/// <summary>Timing helpers: warm up, then repeat, returning every sample so the table can show median, min and max.</summary>
public static class Stats
{
    /// <summary>Median of <paramref name="values"/> (NaN when empty).</summary>
    public static double Median(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0) return double.NaN;
        var s = values.OrderBy(v => v).ToArray();
        int m = s.Length / 2;
        return s.Length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
    }

    /// <summary>Runs <paramref name="action"/> <paramref name="warmup"/> times unmeasured, then <paramref name="repeats"/> times, returning milliseconds per run.</summary>
    public static double[] TimeMs(Action action, int repeats, int warmup = 2)
    {
        for (int i = 0; i < warmup; i++) action();
        var samples = new double[repeats];
        for (int i = 0; i < repeats; i++)
        {
            var sw = Stopwatch.StartNew();
            action();
            samples[i] = sw.Elapsed.TotalMilliseconds;
        }
        return samples;
    }

    /// <summary>
    /// Measures several cases interleaved — round r runs every case once — so that machine noise hits all cases alike.
    /// Returns milliseconds per run for each case.
    /// </summary>
    public static Dictionary<string, double[]> TimeInterleavedMs(IReadOnlyDictionary<string, Action> cases, int repeats, int warmup = 2)
    {
        foreach (var a in cases.Values) for (int i = 0; i < warmup; i++) a();
        var result = cases.Keys.ToDictionary(k => k, _ => new double[repeats]);
        for (int r = 0; r < repeats; r++)
        {
            foreach (var (name, action) in cases)
            {
                var sw = Stopwatch.StartNew();
                action();
                result[name][r] = sw.Elapsed.TotalMilliseconds;
            }
        }
        return result;
    }

    /// <summary>Resident set size of this process in bytes (Linux /proc; falls back to the working set).</summary>
    public static long ResidentBytes()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
            }
        }
        catch (IOException) { }
        return Environment.WorkingSet;
    }

    /// <summary>Peak resident set size of this process in bytes (Linux VmHWM; falls back to the peak working set).</summary>
    public static long PeakResidentBytes()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
            }
        }
        catch (IOException) { }
        return Process.GetCurrentProcess().PeakWorkingSet64;
    }
}
