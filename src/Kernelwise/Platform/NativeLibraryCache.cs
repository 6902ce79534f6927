using System.Security.Cryptography;

namespace Kernelwise.Platform;

/// <summary>
/// The per-user cache of patched native libraries: <c>ROOT/&lt;SHA-256 of the original&gt;/&lt;file name&gt;</c>, where ROOT is
/// <c>$KERNELWISE_NATIVE_CACHE</c>, else <c>$XDG_CACHE_HOME/kernelwise/native</c>, else <c>~/.cache/kernelwise/native</c>.
/// Never the NuGet cache, never the application's folder.
/// </summary>
/// <remarks>
/// Writes are atomic: the content goes to a uniquely named temporary file in the same folder, is flushed to disk and
/// renamed over the final name, so a reader sees either no file or a complete one. Two processes starting at once
/// both write identical bytes and the last rename wins; a process that already mapped the earlier file keeps its
/// inode. An existing entry is used only when its bytes are exactly the expected ones, so a truncated or edited file
/// is replaced, not loaded.
/// </remarks>
internal static class NativeLibraryCache
{
    /// <summary>The environment variable that names the cache folder explicitly.</summary>
    public const string CacheVariable = "KERNELWISE_NATIVE_CACHE";

    /// <summary>The cache folder for this user, or null when neither the variables nor a home folder say where.</summary>
    /// <param name="environment">Reads an environment variable (injectable for tests).</param>
    public static string? DefaultRoot(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        string? explicitRoot = environment(CacheVariable);
        if (!string.IsNullOrWhiteSpace(explicitRoot)) return Path.GetFullPath(explicitRoot);
        // The XDG base directory specification ignores relative values.
        string? xdg = environment("XDG_CACHE_HOME");
        if (!string.IsNullOrWhiteSpace(xdg) && Path.IsPathRooted(xdg)) return Path.Combine(xdg, "kernelwise", "native");
        string? home = environment("HOME");
        if (string.IsNullOrWhiteSpace(home)) home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return string.IsNullOrWhiteSpace(home) ? null : Path.Combine(home, ".cache", "kernelwise", "native");
    }

    /// <summary>
    /// Refuses a cache root inside one of <paramref name="forbidden"/> (the NuGet cache, the application's folder):
    /// Kernelwise never writes there.
    /// </summary>
    /// <exception cref="ArgumentException">The root lies inside a forbidden folder; the message names both.</exception>
    public static void CheckRoot(string root, IEnumerable<(string Folder, string What)> forbidden)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(forbidden);
        string full = WithSeparator(Path.GetFullPath(root));
        foreach (var (folder, what) in forbidden)
        {
            if (string.IsNullOrEmpty(folder)) continue;
            string f = WithSeparator(Path.GetFullPath(folder));
            if (full.StartsWith(f, StringComparison.Ordinal))
            {
                throw new ArgumentException(
                    $"Invalid native library cache '{root}': it lies inside {what} '{folder}', where Kernelwise never writes. " +
                    $"Set {CacheVariable} to a folder of your own, or unset it to use ~/.cache/kernelwise/native.", nameof(root));
            }
        }
    }

    /// <summary>The lowercase hexadecimal SHA-256 of <paramref name="bytes"/>: the cache key.</summary>
    public static string Key(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>The path an entry for <paramref name="original"/> has: <c>root/key/fileName</c>.</summary>
    public static string EntryPath(string root, byte[] original, string fileName) => Path.Combine(root, Key(original), fileName);

    /// <summary>
    /// Returns the path of <paramref name="content"/> (derived from <paramref name="original"/>) in the cache, writing it
    /// first unless an identical file is already there.
    /// </summary>
    /// <exception cref="IOException">The cache folder or file cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">The cache folder is not writable by this user.</exception>
    public static string Store(string root, byte[] original, string fileName, byte[] content)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(content);
        if (string.IsNullOrEmpty(fileName) || fileName != Path.GetFileName(fileName))
            throw new ArgumentException($"Invalid file name '{fileName}' for the native library cache: expected a plain file name.", nameof(fileName));

        string path = EntryPath(root, original, fileName);
        if (HasContent(path, content)) return path;

        string folder = Path.GetDirectoryName(path)!;
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(folder);
        else Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        string temporary = Path.Combine(folder, $".{fileName}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true); // rename(2): atomic within the folder
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
        return path;
    }

    /// <summary>Whether <paramref name="path"/> exists with exactly <paramref name="content"/>.</summary>
    public static bool HasContent(string path, byte[] content)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists || info.Length != content.Length) return false;
            return File.ReadAllBytes(path).AsSpan().SequenceEqual(content);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static string WithSeparator(string path) =>
        Path.EndsInDirectorySeparator(path) ? path : path + Path.DirectorySeparatorChar;
}
