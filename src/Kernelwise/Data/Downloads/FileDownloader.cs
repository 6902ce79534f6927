using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;

namespace Kernelwise.Data;

/// <summary>
/// Downloads files safely — what Keras's <c>get_file(..., file_hash=...)</c> and PyTorch's
/// <c>download_url_to_file(..., hash_prefix=...)</c> do: the bytes stream into a temporary file beside the destination
/// while their SHA-256 is computed, and only a file whose hash (and size, when given) matches is flushed to disk and
/// renamed to its final name. A failed or interrupted download therefore never leaves a partial or wrong file under the
/// real name, and two processes downloading the same file do not corrupt each other. Dataset files
/// (<see cref="DatasetDownloader"/>) and pretrained weights (the zoo's <c>PretrainedWeights</c>) are fetched
/// with it.
/// </summary>
/// <remarks>
/// <para><see cref="Timeout"/> limits how long the server may stay silent (connecting, answering, or between two chunks
/// of the body), not the whole transfer, so slow but steady connections still finish. Responses are taken byte for byte
/// (no automatic decompression): the checksum applies to the file as published.</para>
/// <para>The checksum is the full SHA-256 (64 hexadecimal digits) or, where a publisher gives only its beginning (as
/// torchvision does in its file names, e.g. <c>resnet18-f37072fd.pth</c>), a prefix of at least 8 digits; a prefix is a
/// weaker guarantee against tampering, though still a good check against truncated or corrupted transfers.</para>
/// </remarks>
public sealed class FileDownloader : IDisposable
{
    /// <summary>The default <see cref="Timeout"/>: 30 seconds without data.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The fewest hexadecimal digits of a SHA-256 accepted as a checksum.</summary>
    public const int MinimumHashDigits = 8;

    private readonly HttpClient _http;
    private readonly bool _ownsHttp;

    /// <summary>Creates a downloader.</summary>
    /// <param name="timeout">How long the server may stay silent before the download fails; <see cref="DefaultTimeout"/> when null.</param>
    /// <param name="httpClient">The client to use (e.g. one with a proxy); the downloader creates and owns one when null.
    /// A client passed in is not disposed by the downloader; its own <c>Timeout</c> still applies on top of <paramref name="timeout"/>.</param>
    public FileDownloader(TimeSpan? timeout = null, HttpClient? httpClient = null)
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
    /// Downloads <paramref name="url"/> to <paramref name="destinationPath"/>, keeping it only when its SHA-256 is (or begins
    /// with) <paramref name="sha256"/>. Creates the destination folder; replaces an existing file.
    /// </summary>
    /// <param name="url">An absolute http or https URL.</param>
    /// <param name="destinationPath">Where the verified file goes.</param>
    /// <param name="sha256">Expected SHA-256: 64 hexadecimal digits (either case), or its first 8 or more digits when only a prefix is published.</param>
    /// <param name="expectedBytes">Expected size; when given, a larger response is cut off early and a different size is an error.</param>
    /// <param name="progress">Receives the bytes received so far (at every chunk; throttle in the receiver) and a last report when complete.</param>
    /// <param name="cancellationToken">Cancels the download (the temporary file is removed).</param>
    /// <exception cref="DownloadException">The server cannot be reached, answers with an error status, stays silent too long, or the transfer breaks off.</exception>
    /// <exception cref="InvalidDataException">The file arrived but its size or SHA-256 differs; nothing is kept.</exception>
    public void Download(Uri url, string destinationPath, string sha256, long? expectedBytes = null, IProgress<DownloadProgress>? progress = null,
        CancellationToken cancellationToken = default) =>
        DownloadAsync(url, destinationPath, sha256, expectedBytes, progress, cancellationToken).GetAwaiter().GetResult();

    /// <inheritdoc cref="Download"/>
    public async Task DownloadAsync(Uri url, string destinationPath, string sha256, long? expectedBytes = null, IProgress<DownloadProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            throw new ArgumentException($"Invalid value for argument url. Expected an absolute http or https URL. Received url='{url}'.", nameof(url));
        Guard.NotEmpty(destinationPath);
        CheckHash(sha256);
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
                throw new DownloadException(url, $"Download of '{url}' failed: the server answered {(int)response.StatusCode} {response.ReasonPhrase}.");

            Directory.CreateDirectory(folder); // only once the server answers, so a failed attempt leaves no empty folders
            long total = 0;
            long? announced = expectedBytes ?? response.Content.Headers.ContentLength;
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using (var input = await response.Content.ReadAsStreamAsync(silence.Token).ConfigureAwait(false))
            await using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                progress?.Report(new DownloadProgress(url, 0, announced, false));
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
                    progress?.Report(new DownloadProgress(url, total, announced, false));
                }
                await output.FlushAsync(silence.Token).ConfigureAwait(false);
                output.Flush(flushToDisk: true);
            }
            progress?.Report(new DownloadProgress(url, total, announced, true));

            string actual = Convert.ToHexStringLower(hash.GetHashAndReset());
            if (!Matches(actual, sha256) || (expectedBytes is long size && total != size))
            {
                string sizeNote = expectedBytes is long s && total != s ? Invariant($" and {total} bytes instead of {s}") : "";
                string expected = sha256.Length == 64 ? $"SHA-256 {sha256.ToLowerInvariant()}" : $"a SHA-256 beginning {sha256.ToLowerInvariant()}";
                throw new InvalidDataException(Invariant(
                    $"Download of '{url}' failed its checksum: expected {expected}, received {actual}{sizeNote}. The file was not kept; the server or a proxy sent different data — try again later or fetch the file by another route."));
            }
            File.Move(temp, destination, overwrite: true);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DownloadException(url, Invariant(
                $"Download of '{url}' timed out: the server sent nothing for {Timeout.TotalSeconds:0.###} s."), e);
        }
        catch (HttpRequestException e)
        {
            throw new DownloadException(url, $"Download of '{url}' failed: {Reason(e)}", e);
        }
        catch (HttpIOException e)
        {
            throw new DownloadException(url, $"Download of '{url}' was interrupted: {e.Message}", e);
        }
        catch (IOException e) when (e is not DownloadException && e.InnerException is System.Net.Sockets.SocketException)
        {
            throw new DownloadException(url, $"Download of '{url}' was interrupted: {e.Message}", e);
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

    /// <summary>
    /// Whether a SHA-256 (64 hexadecimal digits) matches an expected checksum: equal when <paramref name="expected"/> has 64
    /// digits, beginning with it when it is a shorter prefix. Case is ignored.
    /// </summary>
    public static bool Matches(string actualSha256, string expected)
    {
        ArgumentNullException.ThrowIfNull(actualSha256);
        ArgumentNullException.ThrowIfNull(expected);
        return expected.Length >= MinimumHashDigits && actualSha256.StartsWith(expected, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Throws unless <paramref name="sha256"/> is 8 to 64 hexadecimal digits.</summary>
    internal static void CheckHash(string? sha256, string argument = "sha256")
    {
        if (sha256 is null || sha256.Length < MinimumHashDigits || sha256.Length > 64 || !sha256.All(Uri.IsHexDigit))
        {
            throw new ArgumentException(
                $"Invalid value for argument {argument}. Expected 64 hexadecimal digits, or at least the first {MinimumHashDigits} of them. Received {argument}='{sha256}'.",
                argument);
        }
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
            // Best effort: a leftover ".part" file is never mistaken for a finished one.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
