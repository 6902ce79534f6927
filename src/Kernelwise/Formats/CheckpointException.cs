namespace Kernelwise.Formats;

/// <summary>
/// A checkpoint or weights file that cannot be used: not a Kernelwise checkpoint, truncated, corrupt (checksum
/// mismatch), from a newer format version, or not matching the model. The message names the file and the problem.
/// </summary>
public sealed class CheckpointException : IOException
{
    /// <summary>Creates the exception.</summary>
    public CheckpointException(string path, string message, Exception? inner = null) : base(message, inner) => FilePath = path;

    /// <summary>The file that could not be used.</summary>
    public string FilePath { get; }
}
