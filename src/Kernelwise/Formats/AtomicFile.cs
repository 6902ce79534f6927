namespace Kernelwise.Formats;

/// <summary>
/// Writes a file so that readers only ever see the old or the complete new contents: a temporary file in the same
/// folder (same file system, so the rename is atomic), flushed to disk, then renamed over the target.
/// </summary>
internal static class AtomicFile
{
    /// <summary>Prefix and suffix of temporary files, which readers and <c>TrainingCheckpoint.FindLatest</c> ignore.</summary>
    public const string TemporarySuffix = ".tmp";

    public static void Write(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        var tmp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}{TemporarySuffix}");
        try
        {
            using (var stream = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(tmp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }
}
