namespace Kernelwise.Data;

/// <summary>The thread-safe record of skipped files that an image folder and its views (splits, other transforms) share.</summary>
internal sealed class SkipLog
{
    private readonly object _gate = new();
    private readonly List<SkippedFile> _entries = new();
    private readonly HashSet<string> _paths = new(StringComparer.Ordinal);

    public bool Contains(string path)
    {
        lock (_gate) return _paths.Contains(path);
    }

    /// <summary>Raised (on the thread that found it) when a file is recorded for the first time.</summary>
    public event Action<SkippedFile>? Added;

    public void Add(string path, string reason)
    {
        SkippedFile? added = null;
        lock (_gate)
        {
            if (_paths.Add(path))
            {
                added = new SkippedFile(path, reason);
                _entries.Add(added);
            }
        }
        if (added is not null) Added?.Invoke(added);
    }

    public IReadOnlyList<SkippedFile> Snapshot()
    {
        lock (_gate) return _entries.ToArray();
    }
}
