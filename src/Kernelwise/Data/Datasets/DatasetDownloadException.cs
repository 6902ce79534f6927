namespace Kernelwise.Data;

/// <summary>
/// Thrown when a dataset file cannot be fetched: the server cannot be reached (connection refused, unknown host),
/// answers with an error status, or sends nothing for longer than the timeout. The message names the URL and the cause.
/// A file that arrives but fails its checksum is an <see cref="InvalidDataException"/> instead.
/// </summary>
public sealed class DatasetDownloadException : DownloadException
{
    /// <summary>Creates the exception for <paramref name="url"/>.</summary>
    public DatasetDownloadException(Uri url, string message, Exception? innerException = null)
        : base(url, message, innerException)
    {
    }
}
