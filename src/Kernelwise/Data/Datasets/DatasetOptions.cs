namespace Kernelwise.Data;

/// <summary>
/// Where a dataset loader looks for files and how it downloads missing ones. Every member has a sensible default, so
/// <c>FashionMnist.Load()</c> needs no options; tests and special setups override single members
/// (<c>new DatasetOptions { CacheDirectory = "/tmp/data", BaseUrl = new Uri("http://127.0.0.1:8080/") }</c>).
/// </summary>
public sealed class DatasetOptions
{
    /// <summary>The environment variable naming a folder with datasets: <c>KERNELWISE_DATA</c>.</summary>
    public const string DataEnvironmentVariable = "KERNELWISE_DATA";

    /// <summary>
    /// The cache root; each dataset lives in a subfolder (e.g. <c>fashion-mnist</c>). When null:
    /// <see cref="GetDefaultCacheDirectory"/>.
    /// </summary>
    public string? CacheDirectory { get; init; }

    /// <summary>The server folder the dataset's files are downloaded from; the dataset's official mirror when null.</summary>
    public Uri? BaseUrl { get; init; }

    /// <summary>Whether missing files may be downloaded into the cache (default true).</summary>
    public bool Download { get; init; } = true;

    /// <summary>How long a download server may stay silent before the download fails (default 30 s).</summary>
    public TimeSpan Timeout { get; init; } = DatasetDownloader.DefaultTimeout;

    /// <summary>The HTTP client for downloads (e.g. one configured with a proxy); a private one when null.</summary>
    public HttpClient? HttpClient { get; init; }

    /// <summary>
    /// Reads environment variables (<c>KERNELWISE_DATA</c>, <c>XDG_CACHE_HOME</c>, <c>HOME</c>);
    /// <see cref="Environment.GetEnvironmentVariable(string)"/> when null. Tests pass a dictionary lookup instead of
    /// changing the process environment.
    /// </summary>
    public Func<string, string?>? EnvironmentVariables { get; init; }

    /// <summary>
    /// Folders where system packages install the dataset, searched last (for Fashion-MNIST Debian's
    /// <c>/usr/share/datasets/fashion-mnist</c>); the dataset's own list when null, none when empty.
    /// </summary>
    public IReadOnlyList<string>? SystemDirectories { get; init; }

    /// <summary>
    /// The per-user dataset cache root: on Windows <c>%LOCALAPPDATA%\Kernelwise\datasets</c>; elsewhere
    /// <c>$XDG_CACHE_HOME/kernelwise/datasets</c>, or <c>~/.cache/kernelwise/datasets</c> when that variable is unset.
    /// </summary>
    /// <param name="environmentVariables">Reads environment variables; the process environment when null.</param>
    public static string GetDefaultCacheDirectory(Func<string, string?>? environmentVariables = null) => UserCache.Folder("datasets", environmentVariables);

    internal Func<string, string?> ReadEnvironment => EnvironmentVariables ?? Environment.GetEnvironmentVariable;

    internal string CacheRoot => CacheDirectory ?? GetDefaultCacheDirectory(EnvironmentVariables);
}
