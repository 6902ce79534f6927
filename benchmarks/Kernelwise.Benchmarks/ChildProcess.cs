using System.Diagnostics;
using System.Globalization;

namespace Kernelwise.Benchmarks;

/// <summary>Figures a child process reports to its parent: one <c>@@ key value</c> line each on standard output.</summary>
public sealed class ChildReport
{
    private readonly TextWriter _writer;

    /// <summary>Reports to <paramref name="writer"/> (standard output in a child).</summary>
    public ChildReport(TextWriter writer) => _writer = writer;

    /// <summary>Reports one figure; a key may be reported several times (a series).</summary>
    public void Add(string key, double value)
    {
        if (key.Any(char.IsWhiteSpace)) throw new ArgumentException($"Report keys cannot contain blanks; received '{key}'.", nameof(key));
        _writer.WriteLine($"{ChildProcess.Marker}{key} {value.ToString("R", CultureInfo.InvariantCulture)}");
        _writer.Flush();
    }
}

/// <summary>Starts this benchmark program again as a child process for one case and collects what it reports.</summary>
public static class ChildProcess
{
    internal const string Marker = "@@ ";

    /// <summary>
    /// Runs <c>--child <paramref name="suite"/> <paramref name="args"/></c> in a fresh process with the same libtorch
    /// thread count, adding <paramref name="environment"/> (a null value removes a variable). The child's standard error
    /// passes through (progress); its reported figures come back in order, key → values.
    /// </summary>
    public static Dictionary<string, List<double>> Run(string suite, int threads, IEnumerable<string> args,
        IReadOnlyDictionary<string, string?>? environment = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("Cannot find this program's path to start a child process.");
        start.FileName = self;
        if (Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            start.ArgumentList.Add(typeof(ChildProcess).Assembly.Location);
        foreach (var a in new[] { "--threads", threads.ToString(CultureInfo.InvariantCulture), "--child", suite }.Concat(args)) start.ArgumentList.Add(a);
        foreach (var (k, v) in environment ?? new Dictionary<string, string?>())
        {
            if (v is null) start.Environment.Remove(k);
            else start.Environment[k] = v;
        }

        var results = new Dictionary<string, List<double>>();
        var output = new List<string>();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (output) output.Add(e.Data);
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) Console.Error.WriteLine($"  [{suite} {string.Join(' ', args)}] {e.Data}");
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(15)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"Child benchmark '{suite} {string.Join(' ', args)}' did not finish in time.");
        }
        process.WaitForExit(); // drains the asynchronous readers
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"Child benchmark '{suite} {string.Join(' ', args)}' exited with code {process.ExitCode}:\n{string.Join('\n', output.TakeLast(20))}");
        foreach (var line in output.Where(l => l.StartsWith(Marker, StringComparison.Ordinal)))
        {
            var parts = line[Marker.Length..].Split(' ', 2);
            if (!results.TryGetValue(parts[0], out var list)) results[parts[0]] = list = new List<double>();
            list.Add(double.Parse(parts[1], CultureInfo.InvariantCulture));
        }
        return results;
    }
}
