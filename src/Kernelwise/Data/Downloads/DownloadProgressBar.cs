using System.Diagnostics;
using System.Globalization;

namespace Kernelwise.Data;

/// <summary>
/// A text progress bar for downloads (torch.hub's <c>progress=True</c>): on a terminal one line redrawn at most ten
/// times a second, <c>  42% [########............] 18.8 / 44.7 MB  5.2 MB/s</c>; when the output is redirected, only the
/// finished line, so logs stay readable.
/// </summary>
public sealed class DownloadProgressBar : IProgress<DownloadProgress>
{
    private const int Width = 24;
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private readonly TextWriter _out;
    private readonly bool _redraw;
    private readonly Stopwatch _clock = new();
    private readonly object _gate = new();
    private TimeSpan _lastDraw = TimeSpan.MinValue;
    private int _lastLength;

    /// <summary>Creates a bar writing to <paramref name="output"/> (standard error when null).</summary>
    /// <param name="output">Where the bar goes.</param>
    /// <param name="redraw">Redraw one line in place (a terminal); when null, true unless standard error is redirected
    /// (with an explicit <paramref name="output"/>, false).</param>
    public DownloadProgressBar(TextWriter? output = null, bool? redraw = null)
    {
        _out = output ?? Console.Error;
        _redraw = redraw ?? (output is null && !Console.IsErrorRedirected);
    }

    /// <inheritdoc />
    public void Report(DownloadProgress value)
    {
        lock (_gate)
        {
            if (!_clock.IsRunning) _clock.Start();
            var now = _clock.Elapsed;
            if (!value.Completed && (!_redraw || now - _lastDraw < Interval)) return;
            _lastDraw = now;
            string line = Format(value, now);
            if (_redraw)
            {
                _out.Write("\r" + line.PadRight(_lastLength));
                _lastLength = line.Length;
                if (value.Completed) _out.WriteLine();
            }
            else
            {
                _out.WriteLine(line);
            }
            _out.Flush();
        }
    }

    /// <summary>One line of the bar for <paramref name="value"/> after <paramref name="elapsed"/>.</summary>
    internal static string Format(DownloadProgress value, TimeSpan elapsed)
    {
        var c = CultureInfo.InvariantCulture;
        double rate = elapsed.TotalSeconds > 0 ? value.BytesReceived / elapsed.TotalSeconds : 0;
        string speed = string.Create(c, $"{Megabytes(rate)} MB/s");
        if (value.TotalBytes is long total && total > 0)
        {
            double fraction = Math.Clamp((double)value.BytesReceived / total, 0, 1);
            int filled = (int)Math.Round(fraction * Width);
            string bar = new string('#', filled) + new string('.', Width - filled);
            return string.Create(c, $"{fraction * 100,4:0}% [{bar}] {Megabytes(value.BytesReceived)} / {Megabytes(total)} MB  {speed}");
        }
        return string.Create(c, $"{Megabytes(value.BytesReceived)} MB  {speed}");
    }

    private static string Megabytes(double bytes) => (bytes / 1_000_000).ToString("0.0", CultureInfo.InvariantCulture);
}
