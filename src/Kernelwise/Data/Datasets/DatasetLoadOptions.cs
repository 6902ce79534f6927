namespace Kernelwise.Data.Datasets;

/// <summary>
/// Where <see cref="FashionMnist.Load(string?, DatasetLoadOptions?)"/> and <see cref="Mnist.Load(string?, DatasetLoadOptions?)"/> look for
/// their files and where they download them. Every member is optional; the defaults are the documented search order.
/// </summary>
public sealed class DatasetLoadOptions
{
    /// <summary>Folder of the <c>KERNELWISE_DATA</c> step; by default the environment variable's value.</summary>
    public string? DataRoot { get; init; }

    /// <summary>The per-user cache folder; by default <c>$XDG_CACHE_HOME/kernelwise/datasets</c> or <c>~/.cache/kernelwise/datasets</c> (LocalApplicationData on Windows).</summary>
    public string? CacheRoot { get; init; }

    /// <summary>Overrides the download base address (a mirror, or a loopback server in tests).</summary>
    public Uri? BaseUrl { get; init; }

    /// <summary>Whether to download when the files are found nowhere (default true).</summary>
    public bool Download { get; init; } = true;

    /// <summary>Whether to look in the system folder (Debian's package); tests turn this off to isolate the search.</summary>
    public bool SearchSystemFolder { get; init; } = true;

    /// <summary>The downloader (timeouts, HttpClient); a default one is created when null.</summary>
    public DatasetDownloader? Downloader { get; init; }

    internal string ResolveDataRoot() => DataRoot ?? Environment.GetEnvironmentVariable("KERNELWISE_DATA") ?? "";

    internal string ResolveCacheRoot()
    {
        if (CacheRoot is not null) return CacheRoot;
        if (OperatingSystem.IsWindows())
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "Kernelwise", "datasets");
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(string.IsNullOrEmpty(xdg) ? Path.Combine(home, ".cache") : xdg, "kernelwise", "datasets");
    }
}
