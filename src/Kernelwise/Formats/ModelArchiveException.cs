namespace Kernelwise.Formats;

/// <summary>
/// A model archive (<c>.kwmodel</c>) that cannot be read or written: a damaged zip, a missing or malformed entry, an
/// unknown layer type, a format version this Kernelwise cannot read, a layer that cannot be saved. The message names
/// the file and the entry (and within the architecture, the layer and the value).
/// </summary>
public sealed class ModelArchiveException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="path">The archive.</param>
    /// <param name="entry">The entry inside it (e.g. <c>model.json</c>), or null for the archive as a whole.</param>
    /// <param name="message">The full message.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public ModelArchiveException(string path, string? entry, string message, Exception? inner = null) : base(message, inner)
    {
        Path = path;
        Entry = entry;
    }

    /// <summary>The archive's path.</summary>
    public string Path { get; }

    /// <summary>The entry the problem is in, or null.</summary>
    public string? Entry { get; }
}
