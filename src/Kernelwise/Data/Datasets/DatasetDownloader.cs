namespace Kernelwise.Data;

/// <summary>
/// Downloads dataset files safely with a <see cref="FileDownloader"/>: the bytes stream into a temporary file beside the
/// destination while their SHA-256 is computed, and only a file whose full hash (and size, when given) matches is renamed
/// to its final name. Dataset files are always checked against their full SHA-256; failures to fetch are reported as
/// <see cref="DatasetDownloadException"/>.
/// </summary>
/// <remarks>
/// <see cref="Timeout"/> limits how long the server may stay silent (connecting, answering, or between two chunks of
/// the body), not the whole transfer, so slow but steady connections still finish. Responses are taken byte for byte
/// (no automatic decompression): the checksum applies to the file as published.
/// </remarks>
public sealed class DatasetDownloader : IDisposable
{
    /// <summary>The default <see cref="Timeout"/>: 30 seconds without data.</summary>
    public static readonly TimeSpan DefaultTimeout = FileDownloader.DefaultTimeout;

    private readonly FileDownloader _files;

    /// <summary>Creates a downloader.</summary>
    /// <param name="timeout">How long the server may stay silent before the download fails; <see cref="DefaultTimeout"/> when null.</param>
    /// <param name="httpClient">The client to use (e.g. one with a proxy); the downloader creates and owns one when null.
    /// A client passed in is not disposed by the downloader; its own <c>Timeout</c> still applies on top of <paramref name="timeout"/>.</param>
    public DatasetDownloader(TimeSpan? timeout = null, HttpClient? httpClient = null) => _files = new FileDownloader(timeout, httpClient);

    /// <summary>How long the server may stay silent before the download fails.</summary>
    public TimeSpan Timeout => _files.Timeout;

    /// <summary>
    /// Downloads <paramref name="url"/> to <paramref name="destinationPath"/>, keeping it only when its SHA-256 is
    /// <paramref name="sha256"/>. Creates the destination folder; replaces an existing file.
    /// </summary>
    /// <param name="url">An absolute http or https URL.</param>
    /// <param name="destinationPath">Where the verified file goes.</param>
    /// <param name="sha256">Expected SHA-256, 64 hexadecimal digits (either case).</param>
    /// <param name="expectedBytes">Expected size; when given, a larger response is cut off early and a different size is an error.</param>
    /// <param name="cancellationToken">Cancels the download (the temporary file is removed).</param>
    /// <exception cref="DatasetDownloadException">The server cannot be reached, answers with an error status, or stays silent too long.</exception>
    /// <exception cref="InvalidDataException">The file arrived but its size or SHA-256 differs; nothing is kept.</exception>
    public void Download(Uri url, string destinationPath, string sha256, long? expectedBytes = null, CancellationToken cancellationToken = default) =>
        DownloadAsync(url, destinationPath, sha256, expectedBytes, cancellationToken).GetAwaiter().GetResult();

    /// <inheritdoc cref="Download"/>
    public async Task DownloadAsync(Uri url, string destinationPath, string sha256, long? expectedBytes = null, CancellationToken cancellationToken = default)
    {
        if (sha256 is null || sha256.Length != 64 || !sha256.All(Uri.IsHexDigit))
            throw new ArgumentException($"Invalid value for argument sha256. Expected 64 hexadecimal digits. Received sha256='{sha256}'.", nameof(sha256));
        try
        {
            await _files.DownloadAsync(url, destinationPath, sha256, expectedBytes, null, cancellationToken).ConfigureAwait(false);
        }
        catch (DownloadException e) when (e is not DatasetDownloadException)
        {
            throw new DatasetDownloadException(e.Url, e.Message, e.InnerException);
        }
    }

    /// <summary>The SHA-256 of a file, as 64 lowercase hexadecimal digits.</summary>
    public static string ComputeSha256(string path) => FileDownloader.ComputeSha256(path);

    /// <summary>Disposes the HTTP client when the downloader created it.</summary>
    public void Dispose() => _files.Dispose();
}
