namespace Kernelwise.Data;

/// <summary>
/// An image file could not be used: it is empty, truncated, corrupt, not an image, in an unsupported format, larger
/// than the pixel limit, or a transform failed on it. The message names the file and the reason; a
/// <see cref="DataLoader"/> delivers it to the training loop from whichever worker thread hit it.
/// </summary>
public sealed class ImageFileException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="filePath">The file.</param>
    /// <param name="reason">What is wrong, as a sentence fragment: "the file is empty (0 bytes)".</param>
    /// <param name="innerException">The decoder's or transform's own exception, when there is one.</param>
    public ImageFileException(string filePath, string reason, Exception? innerException = null)
        : base($"Image file '{filePath}' cannot be used: {reason}.", innerException)
    {
        FilePath = filePath;
        Reason = reason;
    }

    /// <summary>The file.</summary>
    public string FilePath { get; }

    /// <summary>What is wrong with it.</summary>
    public string Reason { get; }
}
