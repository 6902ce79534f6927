using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Kernelwise.Training;

/// <summary>
/// Training progress as Keras prints it. On a terminal: a live bar per epoch with step count, ETA and running
/// metrics, redrawn at most ten times a second. When the output is redirected (CI logs, files) or
/// <c>verbose = 2</c>: one plain line per epoch. In a data-parallel run only rank 0 prints: the bar shows its own
/// running figures, the epoch line those of all processes.
/// </summary>
public sealed class ProgressBar : Callback
{
    private readonly TextWriter _out;
    private readonly bool _live;
    private readonly Stopwatch _epochClock = new();
    private long _lastDraw;
    private int _epoch;

    /// <summary>Creates the callback.</summary>
    /// <param name="output">Where to write; standard output when null.</param>
    /// <param name="live">Draw a live bar; by default only when standard output is a terminal.</param>
    public ProgressBar(TextWriter? output = null, bool? live = null)
    {
        _out = output ?? Console.Out;
        _live = live ?? (output is null && !Console.IsOutputRedirected);
    }

    private bool Live => _live && Params?.Verbose != 2;

    // In a data-parallel run only rank 0 prints.
    private bool Silent => !IsPrimaryProcess;

    /// <inheritdoc />
    public override void OnEpochBegin(int epoch, Logs logs)
    {
        _epoch = epoch;
        _epochClock.Restart();
        _lastDraw = 0;
        if (Live && !Silent) _out.WriteLine($"Epoch {epoch + 1}/{Params?.Epochs}");
    }

    /// <inheritdoc />
    public override void OnTrainBatchEnd(int batch, Logs logs)
    {
        if (!Live || Silent) return;
        long now = _epochClock.ElapsedMilliseconds;
        long steps = Params?.Steps ?? 0;
        if (now - _lastDraw < 100 && batch + 1 < steps) return;
        _lastDraw = now;
        _out.Write("\r" + BarLine(batch + 1, steps, _epochClock.Elapsed.TotalSeconds, logs) + "\u001b[K");
        _out.Flush();
    }

    /// <inheritdoc />
    public override void OnEpochEnd(int epoch, Logs logs)
    {
        if (Silent) return;
        double seconds = _epochClock.Elapsed.TotalSeconds;
        long steps = Params?.Steps ?? 0;
        if (Live)
        {
            _out.Write("\r" + BarLine(steps, steps, seconds, logs) + "\u001b[K");
            _out.WriteLine();
        }
        else
        {
            _out.WriteLine($"Epoch {epoch + 1}/{Params?.Epochs} - {steps}/{steps} - {seconds.ToString("0.0", CultureInfo.InvariantCulture)}s - {FormatLogs(logs)}");
        }
        _out.Flush();
    }

    /// <summary>Prints <paramref name="message"/> on its own line (above the live bar, which is redrawn at the next step).</summary>
    public override void OnWarning(string message)
    {
        if (Silent) return;
        if (Live) _out.Write("\r\u001b[K");
        _out.WriteLine("Warning: " + message);
        _out.Flush();
        _lastDraw = 0;
    }

    private static string BarLine(long done, long steps, double seconds, Logs logs)
    {
        const int width = 30;
        int filled = steps == 0 ? width : (int)(width * done / steps);
        var bar = new StringBuilder();
        bar.Append('[').Append('=', Math.Max(0, filled - 1));
        if (filled > 0) bar.Append(done == steps ? '=' : '>');
        bar.Append('.', width - filled).Append(']');
        string time = done >= steps
            ? $"{seconds.ToString("0", CultureInfo.InvariantCulture)}s {(steps > 0 ? (seconds * 1000 / steps).ToString("0", CultureInfo.InvariantCulture) : "0")}ms/step"
            : "ETA " + FormatDuration(seconds / Math.Max(1, done) * (steps - done));
        string width2 = steps.ToString(CultureInfo.InvariantCulture);
        return $"{done.ToString(CultureInfo.InvariantCulture).PadLeft(width2.Length)}/{width2} {bar} {time} - {FormatLogs(logs)}";
    }

    private static string FormatDuration(double seconds)
    {
        var t = TimeSpan.FromSeconds(Math.Max(0, seconds));
        return t.TotalHours >= 1 ? t.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : t.ToString(@"m\:ss", CultureInfo.InvariantCulture);
    }

    internal static string FormatLogs(Logs logs)
        => string.Join(" - ", logs.Select(kv => $"{kv.Key}: {FormatValue(kv.Key, kv.Value)}"));

    private static string FormatValue(string key, double v)
        => key.EndsWith("lr", StringComparison.Ordinal) ? v.ToString("0.####e+0", CultureInfo.InvariantCulture) : v.ToString("0.0000", CultureInfo.InvariantCulture);
}
