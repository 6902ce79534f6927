using System.Globalization;

namespace Kernelwise.Training;

/// <summary>
/// Writes one row per epoch to a CSV file — Keras's <c>CsvLogger</c>: a header <c>epoch,&lt;keys sorted&gt;</c>, then the
/// zero-based epoch and each log value (invariant culture, full precision; <c>NA</c> for a missing key). Every row
/// is flushed, so the file is complete up to the last finished epoch even after a crash. In a data-parallel run only
/// rank 0 writes it.
/// </summary>
public sealed class CsvLogger : Callback
{
    private StreamWriter? _writer;
    private List<string>? _keys;

    /// <summary>Creates the callback.</summary>
    /// <param name="filename">The CSV file.</param>
    /// <param name="separator">Field separator.</param>
    /// <param name="append">Append to an existing file (e.g. when resuming) instead of overwriting it.</param>
    public CsvLogger(string filename, string separator = ",", bool append = false)
    {
        FileName = Guard.NotEmpty(filename);
        Separator = string.IsNullOrEmpty(separator) ? throw new ArgumentException("Invalid value for argument separator. Expected a non-empty string. Received separator=''.", nameof(separator)) : separator;
        Append = append;
    }

    /// <summary>The file.</summary>
    public string FileName { get; }

    /// <summary>Field separator.</summary>
    public string Separator { get; }

    /// <summary>Whether rows are appended to an existing file.</summary>
    public bool Append { get; }

    /// <inheritdoc />
    public override void OnTrainBegin(Logs logs)
    {
        _writer = null;
        if (!IsPrimaryProcess) return;     // data-parallel: rank 0 writes the file
        var full = Path.GetFullPath(FileName);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        bool existing = Append && File.Exists(full) && new FileInfo(full).Length > 0;
        _keys = null;
        if (existing)
        {
            using var reader = new StreamReader(full);
            var header = reader.ReadLine();
            if (header is not null) _keys = header.Split(Separator).Skip(1).ToList();
        }
        _writer = new StreamWriter(full, append: Append) { NewLine = "\n" };
    }

    /// <inheritdoc />
    public override void OnEpochEnd(int epoch, Logs logs)
    {
        if (_writer is null) return;
        if (_keys is null)
        {
            _keys = logs.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList();
            _writer.WriteLine(string.Join(Separator, new[] { "epoch" }.Concat(_keys)));
        }
        var cells = _keys.Select(k => logs.TryGetValue(k, out var v) ? v.ToString("R", CultureInfo.InvariantCulture) : "NA");
        _writer.WriteLine(string.Join(Separator, new[] { epoch.ToString(CultureInfo.InvariantCulture) }.Concat(cells)));
        _writer.Flush();
    }

    /// <inheritdoc />
    public override void OnTrainEnd(Logs logs)
    {
        _writer?.Dispose();
        _writer = null;
    }
}
