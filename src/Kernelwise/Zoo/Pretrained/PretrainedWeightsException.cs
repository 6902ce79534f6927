namespace Kernelwise.Zoo;

/// <summary>
/// Thrown when pretrained weights cannot be had: the download failed (no network, server error, broken transfer, wrong
/// checksum) or downloading is off and no copy is on the machine. The message names the URL, the cause, and where to put
/// the file by hand; <see cref="Exception.InnerException"/> holds the underlying error.
/// </summary>
public sealed class PretrainedWeightsException : IOException
{
    /// <summary>Creates the exception.</summary>
    public PretrainedWeightsException(string message, Uri url, string fileName, string cacheDirectory, Exception? innerException = null)
        : base(message, innerException)
    {
        Url = url;
        FileName = fileName;
        CacheDirectory = cacheDirectory;
    }

    /// <summary>The URL the weights are published at (or fetched from, with a mirror).</summary>
    public Uri Url { get; }

    /// <summary>The file's published name, which a copy put in place by hand must keep.</summary>
    public string FileName { get; }

    /// <summary>The cache folder a copy may be put in.</summary>
    public string CacheDirectory { get; }
}
