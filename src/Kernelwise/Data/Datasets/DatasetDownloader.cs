using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;

namespace Kernelwise.Data;

/// <summary>
/// Downloads dataset files safely — what Keras's <c>get_file(..., file_hash=...)</c> does: the bytes stream into a
/// temporary file beside the destination while their SHA-256 is computed, and only a file whose hash (and size, when
/// given) matches is renamed to its final name. A failed or interrupted download therefore never leaves a partial or
/// wrong file under the real name, and two processes downloading the same file do not corrupt each other.
/// </summary>
/// <remarks>
/// <see cref="Timeout"/> limits how long the server may stay silent (connecting, answering, or between two chunks of
/// the body), not the whole transfer, so slow but steady connections still finish. Responses are taken byte for byte
/// (no automatic decompression): the checksum applies to the file as published.
/// </remarks>
public sealed class DatasetDownloader : IDisposable
{
    /// <summary>The default <see cref="Timeout"/>: 30 seconds without data.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private readonly HttpClient _http;
    private readonly bool _ownsHttp;

    /// <summary>Creates a downloader.</summary>
    /// <param name="timeout">How long the server may stay silent before the download fails; <see cref="DefaultTimeout"/> when null.</param>
    /// <param name="httpClient">The client to use (e.g. one with a proxy); the downloader creates and owns one when null.
    /// A client passed in is not disposed by the downloader; its own <c>Timeout</c> still applies on top of <paramref name="timeout"/>.</param>
    public DatasetDownloader(TimeSpan? timeout = null, HttpClient? httpClient = null)
    {
        Timeout = timeout ?? DefaultTimeout;
        if (Timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout,
                $"Invalid value for argument timeout. Expected a strictly positive duration. Received timeout={timeout}.");
        }
        if (httpClient is null)
        {
            var handler = new SocketsHttpHandler { ConnectTimeout = Timeout, AutomaticDecompression = System.Net.DecompressionMethods.None };
            _http = new HttpClient(handler, disposeHandler: true) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
            _ownsHttp = true;
        }
        else
        {
            _http = httpClient;
        }
    }

    /// <summary>How long the server may stay silent before the download fails.</summary>
    public TimeSpan Timeout { get; }

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
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            throw new ArgumentException($"Invalid value for argument url. Expected an absolute http or https URL. Received url='{url}'.", nameof(url));
        Guard.NotEmpty(destinationPath);
        if (sha256 is null || sha256.Length != 64 || !sha256.All(Uri.IsHexDigit))
            throw new ArgumentException($"Invalid value for argument sha256. Expected 64 hexadecimal digits. Received sha256='{sha256}'.", nameof(sha256));
        if (expectedBytes is < 0)
            throw new ArgumentOutOfRangeException(nameof(expectedBytes), expectedBytes, $"Invalid value for argument expectedBytes. Expected a value of 0 or more. Received expectedBytes={expectedBytes}.");

        string destination = Path.GetFullPath(destinationPath);
        string folder = Path.GetDirectoryName(destination)!;
        string temp = Path.Combine(folder, $".{Path.GetFileName(destination)}.{Guid.NewGuid():N}.part");
        byte[] buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        using var silence = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            silence.CancelAfter(Timeout);
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, silence.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
                throw new DatasetDownloadException(url, $"Download of '{url}' failed: the server answered {(int)response.StatusCode} {response.ReasonPhrase}.");

            Directory.CreateDirectory(folder); // only once the server answers, so a failed attempt leaves no empty folders
            long total = 0;
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using (var input = await response.Content.ReadAsStreamAsync(silence.Token).ConfigureAwait(false))
            await using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                while (true)
                {
                    silence.CancelAfter(Timeout);
                    int n = await input.ReadAsync(buffer, silence.Token).ConfigureAwait(false);
                    if (n == 0) break;
                    total += n;
                    if (total > expectedBytes)
                    {
                        throw new InvalidDataException(Invariant(
                            $"Download of '{url}' was stopped: the server sent more than the expected {expectedBytes} bytes. Nothing was kept."));
                    }
                    hash.AppendData(buffer, 0, n);
                    await output.WriteAsync(buffer.AsMemory(0, n), silence.Token).ConfigureAwait(false);
                }
            }

            string actual = Convert.ToHexStringLower(hash.GetHashAndReset());
            if (!string.Equals(actual, sha256, StringComparison.OrdinalIgnoreCase) || (expectedBytes is long size && total != size))
            {
                string sizeNote = expectedBytes is long s && total != s ? Invariant($" and {total} bytes instead of {s}") : "";
                throw new InvalidDataException(Invariant(
                    $"Download of '{url}' failed its checksum: expected SHA-256 {sha256.ToLowerInvariant()}, received {actual}{sizeNote}. The file was not kept; the server or a proxy sent different data — try again later or fetch the file by another route."));
            }
            File.Move(temp, destination, overwrite: true);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DatasetDownloadException(url, Invariant(
                $"Download of '{url}' timed out: the server sent nothing for {Timeout.TotalSeconds:0.###} s."), e);
        }
        catch (HttpRequestException e)
        {
            throw new DatasetDownloadException(url, $"Download of '{url}' failed: {Reason(e)}", e);
        }
        catch (HttpIOException e)
        {
            throw new DatasetDownloadException(url, $"Download of '{url}' was interrupted: {e.Message}", e);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            TryDelete(temp);
        }
    }

    /// <summary>The SHA-256 of a file, as 64 lowercase hexadecimal digits.</summary>
    public static string ComputeSha256(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Disposes the HTTP client when the downloader created it.</summary>
    public void Dispose()
    {
        if (_ownsHttp) _http.Dispose();
    }

    private static string Reason(HttpRequestException e)
    {
        // The socket error ("Connection refused (127.0.0.1:80)", "Name or service not known") is the useful part.
        string inner = e.InnerException?.Message ?? "";
        string reason = inner.Length > 0 && !e.Message.Contains(inner, StringComparison.Ordinal) ? $"{e.Message} {inner}" : e.Message;
        return reason.EndsWith('.') ? reason : reason + ".";
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: a leftover ".part" file is never mistaken for a dataset file.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
