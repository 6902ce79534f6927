namespace Kernelwise.Platform;

/// <summary>
/// Thrown when TorchSharp's native library cannot be loaded on this machine. Unlike TorchSharp's own message, it says
/// which library failed, which requirement is missing (read from the files, e.g. <c>GLIBCXX_3.4.32</c> of
/// <c>libstdc++.so.6</c>), what Kernelwise tried, and how to fix it.
/// </summary>
public sealed class NativeLibraryLoadException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="library">The library that failed to load.</param>
    /// <param name="missingVersions">The version requirements the system does not satisfy, as <c>VERSION (library)</c>.</param>
    /// <param name="attempts">What was tried, one line each, with the dynamic loader's answer.</param>
    /// <param name="message">The whole explanation, including the fix.</param>
    public NativeLibraryLoadException(string library, IReadOnlyList<string> missingVersions, IReadOnlyList<string> attempts, string message)
        : base(message)
    {
        ArgumentNullException.ThrowIfNull(library);
        ArgumentNullException.ThrowIfNull(missingVersions);
        ArgumentNullException.ThrowIfNull(attempts);
        Library = library;
        MissingVersions = missingVersions;
        Attempts = attempts;
    }

    /// <summary>The library that failed to load.</summary>
    public string Library { get; }

    /// <summary>The version requirements the system does not satisfy, as <c>VERSION (library)</c>; empty when the failure is of another kind.</summary>
    public IReadOnlyList<string> MissingVersions { get; }

    /// <summary>What was tried, in order, each with the dynamic loader's answer.</summary>
    public IReadOnlyList<string> Attempts { get; }
}
