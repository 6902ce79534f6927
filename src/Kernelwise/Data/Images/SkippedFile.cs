namespace Kernelwise.Data;

/// <summary>A file (or an empty class folder) an image dataset left out under <see cref="BadFilePolicy.Skip"/>, and why.</summary>
/// <param name="Path">Full path of the file or folder.</param>
/// <param name="Reason">What is wrong with it, e.g. "the file is empty (0 bytes)".</param>
public sealed record SkippedFile(string Path, string Reason)
{
    /// <summary><c>path: reason</c>.</summary>
    public override string ToString() => $"{Path}: {Reason}";
}
