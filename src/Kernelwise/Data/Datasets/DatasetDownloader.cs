using System.Net.Sockets;

namespace Kernelwise.Data.Datasets;

/// <summary>
/// Downloads data files into a cache folder safely: each file goes to a temporary name in the same folder, its checksum
/// is verified, and only then is it renamed into place — an interrupted or corrupt download never looks like a good file.
/// </summary>
public sealed class DatasetDownloader
{
    private readonly HttpClient _client;

    /// <summary>Creates a downloader with its own HttpClient and the given per-file timeout (default 10 minutes).</summary>
    public DatasetDownloader(TimeSpan? timeout = null)
        : this(new HttpClient { Timeout = timeout ?? TimeSpan.FromMinutes(10) })
    {
    }

    /// <summary>Creates a downloader over an existing client (tests, proxies).</summary>
    public DatasetDownloader(HttpClient client) => _client = client ?? throw new ArgumentNullException(nameof(client));

    /// <summary>
    /// Downloads <paramref name="url"/> to <paramref name="destination"/> unless a file with the right checksum is already there.
    /// Throws <see cref="InvalidDataException"/> on a checksum mismatch (naming the URL, expected and actual digests) and
    /// <see cref="DatasetDownloadException"/> when the server cannot be reached or answers with an error.
    /// </summary>
    public void Download(Uri url, string destination, DatasetChecksum checksum, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(checksum);
        if (File.Exists(destination) && SafeCompute(checksum, destination) == checksum.Hex) return;
        var dir = Path.GetDirectoryName(Path.GetFullPath(destination))!;
        Directory.CreateDirectory(dir);
        var tmp = Path.Combine(dir, $".{Path.GetFileName(destination)}.{Environment.ProcessId}.{Guid.NewGuid():N}.download");
        try
        {
            try
            {
                using var response = _client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).GetAwaiter().GetResult();
                if (!response.IsSuccessStatusCode)
                    throw new DatasetDownloadException($"Downloading '{url}' failed: the server answered {(int)response.StatusCode} {response.ReasonPhrase}.");
                using var source = response.Content.ReadAsStream(cancellationToken);
                using var target = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write);
                source.CopyTo(target);
                target.Flush(flushToDisk: true);
            }
            catch (HttpRequestException e)
            {
                throw new DatasetDownloadException($"Downloading '{url}' failed: {Describe(e)}", e);
            }
            catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw new DatasetDownloadException($"Downloading '{url}' failed: no answer within {_client.Timeout.TotalSeconds:0} s.", e);
            }
            string actual = SafeCompute(checksum, tmp);
            if (actual != checksum.Hex)
            {
                throw new InvalidDataException(
                    $"The file downloaded from '{url}' failed verification: expected {checksum}, got {actual}. It was deleted; nothing was written to '{destination}'.");
            }
            File.Move(tmp, destination, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }

    private static string SafeCompute(DatasetChecksum checksum, string path)
    {
        try
        {
            return checksum.Compute(path);
        }
        catch (InvalidDataException)
        {
            return "(unreadable: not valid gzip)";
        }
    }

    private static string Describe(HttpRequestException e) => e.InnerException switch
    {
        SocketException s when s.SocketErrorCode == SocketError.ConnectionRefused => "the connection was refused.",
        SocketException s when s.SocketErrorCode is SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData => "the host name could not be resolved (offline?).",
        _ => e.Message,
    };
}

/// <summary>A data file could not be downloaded (network error or HTTP error status).</summary>
public sealed class DatasetDownloadException : IOException
{
    /// <summary>Creates the exception.</summary>
    public DatasetDownloadException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}
