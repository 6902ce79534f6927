using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;

namespace Kernelwise.Platform;

public static partial class KernelwiseRuntime
{
    /// <summary>Set to <c>off</c> to keep Kernelwise from loading TorchSharp's native library itself (TorchSharp then loads it alone).</summary>
    public const string NativeLoaderVariable = "KERNELWISE_NATIVE_LOADER";

    /// <summary>Names the folder for weakened copies of native libraries (default <c>$XDG_CACHE_HOME/kernelwise/native</c> or <c>~/.cache/kernelwise/native</c>).</summary>
    public const string NativeCacheVariable = NativeLibraryCache.CacheVariable;

    private static readonly object NativeGate = new();
    private static NativeLibraryStatus? _nativeStatus;
    private static ExceptionDispatchInfo? _nativeFailure;

    /// <summary>
    /// Makes sure TorchSharp's native library loads, before TorchSharp's first native call: on x64 Linux, finds
    /// <c>libLibTorchSharp.so</c> where the application's natives are, loads libtorch's libraries it needs, then the
    /// library itself; where the system's libstdc++ lacks a version it declares but never uses (TorchSharp 0.107's
    /// <c>GLIBCXX_3.4.32</c> on Debian 12), loads a copy with that requirement marked weak from the per-user cache
    /// (<c>~/.cache/kernelwise/native/&lt;SHA-256&gt;/</c>, written atomically). Runs once per process; later calls
    /// return the first result or throw the first error again.
    /// </summary>
    /// <remarks>
    /// <para>Kernelwise calls this itself, from its module initializer (the first time any Kernelwise type is used) and
    /// before it resolves a device or creates its first tensor. Code that touches TorchSharp (<c>torch.*</c>) before
    /// any Kernelwise type gives Kernelwise no chance: call this method first, for example as the first line of a
    /// script.</para>
    /// <para>Does nothing on Windows and macOS, where TorchSharp's own loading works, or with
    /// <c>KERNELWISE_NATIVE_LOADER=off</c>.</para>
    /// </remarks>
    /// <returns>What was found and loaded.</returns>
    /// <exception cref="NativeLibraryLoadException">
    /// The library cannot be loaded; the message names the library, the missing requirement (read from the files),
    /// what was tried and the fix.
    /// </exception>
    public static NativeLibraryStatus EnsureNativeLibraries()
    {
        lock (NativeGate)
        {
            if (_nativeStatus is null && _nativeFailure is null)
            {
                try
                {
                    _nativeStatus = LoadNativeLibraries();
                }
                catch (NativeLibraryLoadException e)
                {
                    _nativeFailure = ExceptionDispatchInfo.Capture(e);
                }
            }
            _nativeFailure?.Throw();
            return _nativeStatus!;
        }
    }

    private static NativeLibraryStatus LoadNativeLibraries()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
            return new NativeLibraryStatus(NativeLibraryOutcome.NotApplicable);
        string? setting = Environment.GetEnvironmentVariable(NativeLoaderVariable);
        if (string.Equals(setting?.Trim(), "off", StringComparison.OrdinalIgnoreCase))
            return new NativeLibraryStatus(NativeLibraryOutcome.Disabled);
        return NativeLibraryLoader.ForThisProcess().Load();
    }

    /// <summary>Loads the native libraries when Kernelwise is first used; a failure is reported now and thrown at the first use of libtorch.</summary>
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255:The 'ModuleInitializer' attribute should not be used in libraries",
        Justification = "TorchSharp accepts a native library only if it is loaded before TorchSharp initialises; Kernelwise's first use is the last moment before that.")]
    internal static void LoadNativeLibrariesOnFirstUse()
    {
        try
        {
            EnsureNativeLibraries();
        }
        catch (NativeLibraryLoadException e)
        {
            // A module initializer must not throw (no Kernelwise type would work, not even Summary()); say it now, so the
            // truth comes before TorchSharp's own message, and throw it from EnsureNativeLibraries at the first use.
            Console.Error.WriteLine("Kernelwise: " + e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"Kernelwise: could not prepare TorchSharp's native library: {e.Message}");
        }
    }
}
