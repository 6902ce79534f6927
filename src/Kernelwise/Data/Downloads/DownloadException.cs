namespace Kernelwise.Data;

/// <summary>
/// Thrown when a file cannot be fetched: the server cannot be reached (connection refused, unknown host), answers with
/// an error status, stays silent for longer than the timeout, or the transfer breaks off. The message names the URL and
/// the cause. A file that arrives complete but fails its checksum is an <see cref="InvalidDataException"/> instead.
/// </summary>
public class DownloadException : IOException
{
    /// <summary>Creates the exception for <paramref name="url"/>.</summary>
    public DownloadException(Uri url, string message, Exception? innerException = null)
        : base(message, innerException) => Url = url;

    /// <summary>The URL that could not be fetched.</summary>
    public Uri Url { get; }
}
