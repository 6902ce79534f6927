using Kernelwise.Data;

namespace Kernelwise.Zoo;

/// <summary>
/// Where <see cref="PretrainedWeights"/> looks for weights files and how it downloads missing ones. Every member has a
/// sensible default, so <c>PretrainedWeights.ResNet18.Load(model)</c> needs no options; offline machines, mirrors and
/// tests override single members (<c>new PretrainedOptions { Download = false }</c>).
/// </summary>
/// <remarks>
/// A weights file is looked for, by its published name (<c>resnet18-f37072fd.pth</c>), in: the folder named by the
/// <c>KERNELWISE_WEIGHTS</c> environment variable; the cache folder (<see cref="CacheDirectory"/>); PyTorch's hub cache
/// (<c>$TORCH_HOME/hub/checkpoints</c>, by default <c>~/.cache/torch/hub/checkpoints</c>), where PyTorch keeps the same
/// files. A file found is checked against the published checksum before use. When none is found, the file is downloaded
/// into the cache.
/// </remarks>
public sealed class PretrainedOptions
{
    /// <summary>The environment variable naming a folder of weights files, for offline use: <c>KERNELWISE_WEIGHTS</c>.</summary>
    public const string WeightsEnvironmentVariable = "KERNELWISE_WEIGHTS";

    /// <summary>The download cache; <see cref="GetDefaultCacheDirectory"/> when null.</summary>
    public string? CacheDirectory { get; init; }

    /// <summary>A mirror: the folder URL the file is fetched from under its published name; the publisher's URL when null.</summary>
    public Uri? BaseUrl { get; init; }

    /// <summary>Whether a missing file may be downloaded (default true).</summary>
    public bool Download { get; init; } = true;

    /// <summary>Whether PyTorch's hub cache is searched too (default true).</summary>
    public bool SearchTorchHubCache { get; init; } = true;

    /// <summary>How long the server may stay silent before the download fails (default 30 s).</summary>
    public TimeSpan Timeout { get; init; } = FileDownloader.DefaultTimeout;

    /// <summary>The HTTP client for downloads (e.g. one configured with a proxy); a private one when null.</summary>
    public HttpClient? HttpClient { get; init; }

    /// <summary>Whether a download shows a progress bar on standard error (default true; see <see cref="Progress"/>).</summary>
    public bool ShowProgress { get; init; } = true;

    /// <summary>Receives the download's progress instead of the default bar (when <see cref="ShowProgress"/> is true).</summary>
    public IProgress<DownloadProgress>? Progress { get; init; }

    /// <summary>
    /// Reads environment variables (<c>KERNELWISE_WEIGHTS</c>, <c>TORCH_HOME</c>, <c>XDG_CACHE_HOME</c>, <c>HOME</c>);
    /// the process environment when null. Tests pass a dictionary lookup instead of changing the process environment.
    /// </summary>
    public Func<string, string?>? EnvironmentVariables { get; init; }

    /// <summary>
    /// The per-user weights cache: on Windows <c>%LOCALAPPDATA%\Kernelwise\weights</c>; elsewhere
    /// <c>$XDG_CACHE_HOME/kernelwise/weights</c>, or <c>~/.cache/kernelwise/weights</c> when that variable is unset.
    /// </summary>
    /// <param name="environmentVariables">Reads environment variables; the process environment when null.</param>
    public static string GetDefaultCacheDirectory(Func<string, string?>? environmentVariables = null) => UserCache.Folder("weights", environmentVariables);

    internal Func<string, string?> ReadEnvironment => EnvironmentVariables ?? Environment.GetEnvironmentVariable;

    internal string CacheFolder => CacheDirectory ?? GetDefaultCacheDirectory(EnvironmentVariables);

    /// <summary>PyTorch's hub checkpoint folder: <c>$TORCH_HOME/hub/checkpoints</c>, else under <c>$XDG_CACHE_HOME/torch</c> or <c>~/.cache/torch</c>.</summary>
    internal string TorchHubFolder
    {
        get
        {
            var env = ReadEnvironment;
            string? torchHome = env("TORCH_HOME");
            if (string.IsNullOrEmpty(torchHome))
            {
                string? xdg = env("XDG_CACHE_HOME");
                torchHome = !string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg) ? Path.Combine(xdg, "torch") : Path.Combine(UserCache.Home(env), ".cache", "torch");
            }
            return Path.Combine(torchHome, "hub", "checkpoints");
        }
    }
}
