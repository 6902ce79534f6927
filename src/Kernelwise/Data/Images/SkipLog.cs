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

    public void Add(string path, string reason)
    {
        lock (_gate)
        {
            if (_paths.Add(path)) _entries.Add(new SkippedFile(path, reason));
        }
    }

    public IReadOnlyList<SkippedFile> Snapshot()
    {
        lock (_gate) return _entries.ToArray();
    }
}
