namespace Kernelwise.Platform;

/// <summary>What <see cref="KernelwiseRuntime.EnsureNativeLibraries"/> found and did about TorchSharp's native library.</summary>
public enum NativeLibraryOutcome
{
    /// <summary>Nothing to do on this platform (Windows, macOS, or not x64 Linux): TorchSharp loads its libraries itself.</summary>
    NotApplicable,

    /// <summary>Switched off with <c>KERNELWISE_NATIVE_LOADER=off</c>: TorchSharp loads its libraries itself.</summary>
    Disabled,

    /// <summary>
    /// No <c>libLibTorchSharp.so</c> in the folders the application's native libraries come from; TorchSharp looks
    /// for it itself (and says what it misses).
    /// </summary>
    NotFound,

    /// <summary>The library loaded as it is (a system with a new enough libstdc++, or a copy the build already patched).</summary>
    Loaded,

    /// <summary>
    /// The library needed versions the system does not define and that nothing in it relocates against; a copy with
    /// those requirements marked weak was loaded from the per-user cache.
    /// </summary>
    LoadedWeakenedCopy,
}

/// <summary>
/// The result of <see cref="KernelwiseRuntime.EnsureNativeLibraries"/>: which native library TorchSharp will use and
/// where it was loaded from.
/// </summary>
public sealed class NativeLibraryStatus
{
    internal NativeLibraryStatus(NativeLibraryOutcome outcome, string? library = null, string? loadedFrom = null,
        IReadOnlyList<string>? missingVersions = null, IReadOnlyList<string>? searched = null)
    {
        Outcome = outcome;
        Library = library;
        LoadedFrom = loadedFrom;
        MissingVersions = missingVersions ?? Array.Empty<string>();
        Searched = searched ?? Array.Empty<string>();
    }

    /// <summary>What was found and done.</summary>
    public NativeLibraryOutcome Outcome { get; }

    /// <summary>The <c>libLibTorchSharp.so</c> the application ships or references, when one was found.</summary>
    public string? Library { get; }

    /// <summary>The file actually loaded: <see cref="Library"/> itself, or its weakened copy in the per-user cache.</summary>
    public string? LoadedFrom { get; }

    /// <summary>
    /// The version requirements the system could not satisfy and that the loaded copy marks weak, each as
    /// <c>VERSION (library)</c>, e.g. <c>GLIBCXX_3.4.32 (libstdc++.so.6)</c>; empty unless
    /// <see cref="Outcome"/> is <see cref="NativeLibraryOutcome.LoadedWeakenedCopy"/>.
    /// </summary>
    public IReadOnlyList<string> MissingVersions { get; }

    /// <summary>The folders searched for the library, in order.</summary>
    public IReadOnlyList<string> Searched { get; }

    /// <inheritdoc />
    public override string ToString() => Outcome switch
    {
        NativeLibraryOutcome.Loaded => $"Loaded {LoadedFrom}",
        NativeLibraryOutcome.LoadedWeakenedCopy => $"Loaded {LoadedFrom}, a copy of {Library} with {string.Join(", ", MissingVersions)} marked weak",
        NativeLibraryOutcome.NotFound => $"libLibTorchSharp.so not found in: {string.Join(", ", Searched)}",
        _ => Outcome.ToString(),
    };
}
