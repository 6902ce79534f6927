using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using Kernelwise.Platform;

namespace Kernelwise.Tests.Platform;

/// <summary>The real native files the platform tests read: TorchSharp's shim as the NuGet cache holds it (never modified), and libtorch's folder.</summary>
internal static class NativeFiles
{
    /// <summary>The unpatched libLibTorchSharp.so in the NuGet cache; skips the test where there is none (not x64 Linux, another package folder).</summary>
    public static string OriginalShim()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != System.Runtime.InteropServices.Architecture.X64)
            Assert.Skip("TorchSharp's Linux shim is examined on x64 Linux only.");
        string root = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p
            ? p : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var v = typeof(TorchSharp.torch).Assembly.GetName().Version!;
        string path = Path.Combine(root, "torchsharp", $"{v.Major}.{v.Minor}.{v.Build}", "runtimes", "linux-x64", "native", NativeLibraryLoader.ShimFileName);
        if (!File.Exists(path)) Assert.Skip($"No TorchSharp package at '{path}'.");
        return path;
    }

    /// <summary>The folder of libtorch's libraries in this test's output.</summary>
    public static string LibtorchFolder()
    {
        string folder = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native");
        if (!File.Exists(Path.Combine(folder, "libtorch_cpu.so"))) Assert.Skip($"No libtorch_cpu.so in '{folder}'.");
        return folder;
    }

    /// <summary>
    /// Renames version requirement <paramref name="from"/> to <paramref name="to"/> (same length) in a copy of the shim's
    /// bytes, fixing its hash: a requirement no system defines, for tests that must not depend on the machine's libstdc++.
    /// </summary>
    public static byte[] RenameVersion(byte[] original, string from, string to)
    {
        Assert.Equal(from.Length, to.Length);
        var bytes = (byte[])original.Clone();
        var pattern = Encoding.ASCII.GetBytes("\0" + from + "\0");
        int at = bytes.AsSpan().IndexOf(pattern);
        Assert.True(at >= 0, $"'{from}' not in the file");
        Assert.True(bytes.AsSpan(at + 1).IndexOf(pattern) < 0, $"'{from}' appears twice");
        Encoding.ASCII.GetBytes(to).CopyTo(bytes, at + 1);
        var need = ElfImage.Parse(bytes, "renamed").VersionNeeds.Single(n => n.Name == to);
        BitConverter.GetBytes(ElfImage.Hash(to)).CopyTo(bytes, need.FlagsOffset - 4); // vna_hash precedes vna_flags
        return bytes;
    }
}
