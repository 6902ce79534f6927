using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Kernelwise.Benchmarks;

/// <summary>Timing helpers: warm up, then repeat, returning every sample so the table can show median, min and max.</summary>
public static partial class Stats
{
    /// <summary>Median of <paramref name="values"/> (NaN when empty).</summary>
    public static double Median(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0) return double.NaN;
        var s = values.OrderBy(v => v).ToArray();
        int m = s.Length / 2;
        return s.Length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
    }

    /// <summary>
    /// The <paramref name="fraction"/> quantile of <paramref name="values"/> (0.9 for the 90th percentile), interpolating
    /// linearly between the two nearest ranks; NaN when empty.
    /// </summary>
    public static double Percentile(IReadOnlyCollection<double> values, double fraction)
    {
        if (values.Count == 0) return double.NaN;
        var s = values.OrderBy(v => v).ToArray();
        double rank = fraction * (s.Length - 1);
        int below = (int)Math.Floor(rank);
        int above = Math.Min(below + 1, s.Length - 1);
        return s[below] + (rank - below) * (s[above] - s[below]);
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
    /// The order alternates between rounds (A B, then B A, ...) so that neither case always runs first after the other.
    /// Returns milliseconds per run for each case.
    /// </summary>
    public static Dictionary<string, double[]> TimeInterleavedMs(IReadOnlyDictionary<string, Action> cases, int repeats, int warmup = 2)
    {
        foreach (var a in cases.Values) for (int i = 0; i < warmup; i++) a();
        var result = cases.Keys.ToDictionary(k => k, _ => new double[repeats]);
        var order = cases.ToList();
        for (int r = 0; r < repeats; r++)
        {
            var round = r % 2 == 0 ? order : Enumerable.Reverse(order);
            foreach (var (name, action) in round)
            {
                var sw = Stopwatch.StartNew();
                action();
                result[name][r] = sw.Elapsed.TotalMilliseconds;
            }
        }
        return result;
    }

    /// <summary>
    /// As <see cref="TimeInterleavedMs"/>, and also the CPU time the whole process spent in each run (all threads, user and
    /// system). On a machine shared with other work, wall time includes waiting for a core, CPU time mostly does not:
    /// the CPU-time ratio of two cases shows the extra work one does even when the wall-clock ratio drowns in noise.
    /// </summary>
    public static Dictionary<string, (double[] WallMs, double[] CpuMs)> TimeInterleavedWithCpu(IReadOnlyDictionary<string, Action> cases, int repeats, int warmup = 2)
    {
        foreach (var a in cases.Values) for (int i = 0; i < warmup; i++) a();
        var result = cases.Keys.ToDictionary(k => k, _ => (WallMs: new double[repeats], CpuMs: new double[repeats]));
        var order = cases.ToList();
        for (int r = 0; r < repeats; r++)
        {
            var round = r % 2 == 0 ? order : Enumerable.Reverse(order);
            foreach (var (name, action) in round)
            {
                double cpu = ProcessCpuMs();
                var sw = Stopwatch.StartNew();
                action();
                result[name].WallMs[r] = sw.Elapsed.TotalMilliseconds;
                result[name].CpuMs[r] = ProcessCpuMs() - cpu;
            }
        }
        return result;
    }

    /// <summary>
    /// Latency of single calls, interleaved: round r runs <paramref name="calls"/> timed calls of every case, one case
    /// after the other, in alternating order (A B, then B A, …). Each call receives its index (to pick a different input).
    /// Returns, per case, the microseconds of every call grouped by round, and the process CPU milliseconds of each round's
    /// calls (all threads), after <paramref name="warmupCalls"/> unmeasured calls per case.
    /// </summary>
    public static Dictionary<string, (double[][] CallUs, double[] CpuMs)> TimeCallsInterleaved(
        IReadOnlyDictionary<string, Action<int>> cases, int rounds, int calls, int warmupCalls)
    {
        foreach (var a in cases.Values) for (int i = 0; i < warmupCalls; i++) a(i);
        var result = cases.Keys.ToDictionary(k => k, _ => (CallUs: new double[rounds][], CpuMs: new double[rounds]));
        var order = cases.ToList();
        var sw = new Stopwatch();
        for (int r = 0; r < rounds; r++)
        {
            var round = r % 2 == 0 ? order : Enumerable.Reverse(order);
            foreach (var (name, action) in round)
            {
                var us = new double[calls];
                double cpu = ProcessCpuMs();
                for (int c = 0; c < calls; c++)
                {
                    sw.Restart();
                    action(r * calls + c);
                    us[c] = sw.Elapsed.TotalMicroseconds;
                }
                result[name].CpuMs[r] = ProcessCpuMs() - cpu;
                result[name].CallUs[r] = us;
            }
        }
        return result;
    }

    /// <summary>CPU time used by this process so far, in milliseconds (all threads; nanosecond clock on Linux).</summary>
    public static double ProcessCpuMs()
    {
        if (OperatingSystem.IsLinux() && ClockGetTime(2 /* CLOCK_PROCESS_CPUTIME_ID */, out var t) == 0) return t.Seconds * 1000.0 + t.Nanoseconds / 1e6;
        using var p = Process.GetCurrentProcess();
        return p.TotalProcessorTime.TotalMilliseconds;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc.so.6", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    /// <summary>Element-wise <paramref name="numerators"/>[i] / <paramref name="denominators"/>[i]: per-round ratios of paired, interleaved samples.</summary>
    public static double[] Ratios(IReadOnlyList<double> numerators, IReadOnlyList<double> denominators)
    {
        if (numerators.Count != denominators.Count) throw new ArgumentException($"Paired samples differ in length: {numerators.Count} and {denominators.Count}.");
        return numerators.Select((n, i) => n / denominators[i]).ToArray();
    }

    /// <summary>Converts milliseconds per run of <paramref name="itemsPerRun"/> items into items per second.</summary>
    public static double[] PerSecond(IEnumerable<double> milliseconds, double itemsPerRun) => milliseconds.Select(ms => itemsPerRun / (ms / 1000)).ToArray();

    /// <summary>Minor page faults of this process so far (Linux /proc/self/stat; 0 elsewhere): first touches of fresh pages.</summary>
    public static long MinorPageFaults()
    {
        try
        {
            var stat = File.ReadAllText("/proc/self/stat");
            // Fields after the parenthesised command name: state ppid pgrp session tty_nr tpgid flags minflt ...
            var fields = stat[(stat.LastIndexOf(')') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return long.Parse(fields[7], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 0;
        }
    }

    /// <summary>The 1, 5 and 15-minute load averages (Linux /proc/loadavg), as text; "unknown" elsewhere.</summary>
    public static string LoadAverage()
    {
        try
        {
            var parts = File.ReadAllText("/proc/loadavg").Split(' ');
            return $"{parts[0]} / {parts[1]} / {parts[2]}";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or IndexOutOfRangeException)
        {
            return "unknown";
        }
    }

    /// <summary>Resident memory in MiB after a full, compacting collection (so managed garbage does not blur the native picture).</summary>
    public static double SettledResidentMiB()
    {
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return ResidentBytes() / (1024.0 * 1024.0);
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
