using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Kernelwise.Platform;

/// <summary>
/// Process-wide native settings Kernelwise applies once, when the library is first used: loading TorchSharp's native
/// library wherever Kernelwise is referenced from (see <see cref="EnsureNativeLibraries"/>), and the C allocator policy
/// on Linux (see <see cref="AllocatorPolicy"/> and docs/performance.md).
/// </summary>
/// <remarks>
/// <para>
/// Kernelwise applies <see cref="DefaultAllocatorPolicy"/> automatically the first time any Kernelwise type is used,
/// unless the <c>KERNELWISE_ALLOCATOR</c> environment variable says otherwise: <c>default</c>, <c>tuned</c>,
/// <c>retain</c> or <c>off</c> (also <c>system</c>). Call <see cref="ConfigureAllocator"/> to change it at run time.
/// </para>
/// <para>
/// The settings are glibc <c>mallopt</c> calls, so they act on every native allocation of the process (libtorch's
/// and any other library's), and only on Linux with glibc; elsewhere the methods do nothing and say so.
/// </para>
/// </remarks>
public static partial class KernelwiseRuntime
{
    /// <summary>The environment variable that overrides the automatic policy: <c>default</c>, <c>tuned</c>, <c>retain</c> or <c>off</c>.</summary>
    public const string AllocatorVariable = "KERNELWISE_ALLOCATOR";

    /// <summary>Blocks at or above this size are mapped and unmapped under <see cref="AllocatorPolicy.Tuned"/> (32 MiB, glibc's largest allowed threshold).</summary>
    public const int TunedMmapThreshold = 32 * 1024 * 1024;

    /// <summary>Free heap top kept by <see cref="AllocatorPolicy.Tuned"/> before glibc returns memory to the operating system (256 MiB).</summary>
    public const int TunedTrimThreshold = 256 * 1024 * 1024;

    // glibc's malloc.h parameter numbers and defaults.
    private const int MTrimThreshold = -1;
    private const int MMmapThreshold = -3;
    private const int MMmapMax = -4;
    private const int MArenaMax = -8;
    private const int GlibcDefaultThreshold = 128 * 1024;
    private const int GlibcDefaultMmapMax = 65536;

    private static readonly object Gate = new();

    /// <summary>The policy Kernelwise applies when <c>KERNELWISE_ALLOCATOR</c> is unset or <c>default</c>.</summary>
    public static AllocatorPolicy DefaultAllocatorPolicy => AllocatorPolicy.Tuned;

    /// <summary>The policy in effect (<see cref="AllocatorPolicy.System"/> until one was applied, and always where the allocator cannot be configured).</summary>
    public static AllocatorPolicy AllocatorPolicy { get; private set; } = AllocatorPolicy.System;

    /// <summary>Whether this process's allocator can be configured: Linux with glibc.</summary>
    public static bool CanConfigureAllocator { get; } = DetectGlibc();

    /// <summary>
    /// Applies <paramref name="policy"/> to the process's C allocator. Takes effect for allocations made afterwards.
    /// </summary>
    /// <returns>True when applied; false where the allocator cannot be configured (not Linux/glibc), in which case nothing changes.</returns>
    /// <remarks>
    /// Going back to <see cref="AllocatorPolicy.System"/> restores glibc's default thresholds, but not glibc's dynamic
    /// mmap threshold, which any explicit setting switches off for the rest of the process; for glibc exactly as it
    /// starts, set <c>KERNELWISE_ALLOCATOR=off</c> before the process starts.
    /// </remarks>
    public static bool ConfigureAllocator(AllocatorPolicy policy)
    {
        if (!Enum.IsDefined(policy))
            throw new ArgumentOutOfRangeException(nameof(policy), policy, $"Invalid value for argument policy. Expected System, Tuned or Retain. Received policy={policy}.");
        if (!CanConfigureAllocator) return false;
        lock (Gate)
        {
            bool ok = policy switch
            {
                AllocatorPolicy.Tuned => Set(MMmapMax, GlibcDefaultMmapMax) & Set(MMmapThreshold, TunedMmapThreshold) & Set(MTrimThreshold, TunedTrimThreshold) & Set(MArenaMax, 1),
                AllocatorPolicy.Retain => Set(MMmapMax, 0) & Set(MTrimThreshold, int.MaxValue),
                _ => Set(MMmapMax, GlibcDefaultMmapMax) & Set(MMmapThreshold, GlibcDefaultThreshold) & Set(MTrimThreshold, GlibcDefaultThreshold),
            };
            if (ok) AllocatorPolicy = policy;
            return ok;
        }
    }

    /// <summary>
    /// Returns free native heap memory to the operating system now (glibc's <c>malloc_trim(0)</c>) — for example after
    /// training under <see cref="AllocatorPolicy.Retain"/>, before a long idle or serving phase.
    /// </summary>
    /// <returns>True when memory was released; false when there was nothing to release or the platform has no such call.</returns>
    public static bool ReleaseFreeMemory() => CanConfigureAllocator && MallocTrim(0) != 0;

    /// <summary>
    /// Parses a <c>KERNELWISE_ALLOCATOR</c> value: <c>default</c> (→ <see cref="DefaultAllocatorPolicy"/>), <c>tuned</c>,
    /// <c>retain</c>, <c>off</c> or <c>system</c>; case-insensitive, surrounding blanks ignored.
    /// </summary>
    public static AllocatorPolicy ParseAllocatorPolicy(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Trim().ToLowerInvariant() switch
        {
            "" or "default" => DefaultAllocatorPolicy,
            "tuned" => AllocatorPolicy.Tuned,
            "retain" => AllocatorPolicy.Retain,
            "off" or "system" => AllocatorPolicy.System,
            _ => throw new ArgumentException(
                $"Invalid value for {AllocatorVariable}. Expected default, tuned, retain or off. Received {AllocatorVariable}='{value}'.", nameof(value)),
        };
    }

    /// <summary>Applies the environment's (or the default) policy once, before any Kernelwise code runs.</summary>
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255:The 'ModuleInitializer' attribute should not be used in libraries",
        Justification = "The allocator policy must be in place before the first tensor of the first model; it is process-wide by nature and can be switched off with KERNELWISE_ALLOCATOR=off.")]
    internal static void ApplyFromEnvironment()
    {
        if (!CanConfigureAllocator) return;
        var value = Environment.GetEnvironmentVariable(AllocatorVariable);
        AllocatorPolicy policy;
        try
        {
            policy = value is null ? DefaultAllocatorPolicy : ParseAllocatorPolicy(value);
        }
        catch (ArgumentException e)
        {
            // A module initializer must not throw (every Kernelwise type would become unusable): say so and go on.
            Console.Error.WriteLine($"Kernelwise: {e.Message} Using {DefaultAllocatorPolicy}.");
            policy = DefaultAllocatorPolicy;
        }
        if (policy != AllocatorPolicy.System) ConfigureAllocator(policy);
    }

    private static bool Set(int parameter, int value) => Mallopt(parameter, value) == 1;

    private static bool DetectGlibc()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            return GnuGetLibcVersion() != IntPtr.Zero;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false; // musl and other C libraries
        }
    }

    [LibraryImport("libc.so.6", EntryPoint = "mallopt")]
    private static partial int Mallopt(int parameter, int value);

    [LibraryImport("libc.so.6", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);

    [LibraryImport("libc.so.6", EntryPoint = "gnu_get_libc_version")]
    private static partial IntPtr GnuGetLibcVersion();
}
