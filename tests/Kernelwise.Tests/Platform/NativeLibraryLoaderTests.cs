using Kernelwise.Platform;
using Kernelwise.Tests.Data;

namespace Kernelwise.Tests.Platform;

public class NativeLibraryLoaderTests
{
    private static readonly (string, string)[] NoForbiddenFolders = Array.Empty<(string, string)>();

    [Fact]
    public void Should_HaveLoadedTorchSharpsShim_When_KernelwiseIsUsed()
    {
        var status = KernelwiseRuntime.EnsureNativeLibraries();

        Assert.Contains(status.Outcome, new[] { NativeLibraryOutcome.Loaded, NativeLibraryOutcome.LoadedWeakenedCopy, NativeLibraryOutcome.NotApplicable });
        if (status.Outcome != NativeLibraryOutcome.NotApplicable) Assert.True(File.Exists(status.LoadedFrom), status.ToString());
        Assert.Same(status, KernelwiseRuntime.EnsureNativeLibraries()); // once per process
    }

    [Fact]
    public void Should_ReportNotFound_When_NoFolderHoldsTheShim()
    {
        using var temp = new TempDirectory();
        var loader = new NativeLibraryLoader(new[] { temp.Path }, temp.Combine("cache"), NoForbiddenFolders, _ => "must not be called");

        var status = loader.Load();

        Assert.Equal(NativeLibraryOutcome.NotFound, status.Outcome);
        Assert.Equal(new[] { temp.Path }, status.Searched);
    }

    [Fact]
    public void Should_LoadAWeakenedCopyFromTheCache_When_OnlyAnUnusedVersionIsMissing()
    {
        using var temp = new TempDirectory();
        // GLIBCXX_9.9.32 stands for GLIBCXX_3.4.32: a version no libstdc++ defines, bound to nothing a relocation uses.
        var bytes = NativeFiles.RenameVersion(File.ReadAllBytes(NativeFiles.OriginalShim()), "GLIBCXX_3.4.32", "GLIBCXX_9.9.32");
        string shim = temp.Combine("app", NativeLibraryLoader.ShimFileName);
        Directory.CreateDirectory(Path.GetDirectoryName(shim)!);
        File.WriteAllBytes(shim, bytes);
        var loaded = new List<string>();
        string? Load(string path)
        {
            loaded.Add(path);
            return path == shim ? $"{shim}: /lib/libstdc++.so.6: version `GLIBCXX_9.9.32' not found (required by {shim})" : null;
        }
        var loader = new NativeLibraryLoader(new[] { Path.GetDirectoryName(shim)!, NativeFiles.LibtorchFolder() }, temp.Combine("cache"), NoForbiddenFolders, Load);

        var status = loader.Load();

        Assert.Equal(NativeLibraryOutcome.LoadedWeakenedCopy, status.Outcome);
        Assert.Equal(shim, status.Library);
        Assert.Equal(NativeLibraryCache.EntryPath(temp.Combine("cache"), bytes, NativeLibraryLoader.ShimFileName), status.LoadedFrom);
        Assert.Contains("GLIBCXX_9.9.32 (libstdc++.so.6)", status.MissingVersions);
        Assert.True(ElfImage.Read(status.LoadedFrom!).VersionNeeds.Single(n => n.Name == "GLIBCXX_9.9.32").IsWeak);
        Assert.Equal(bytes, File.ReadAllBytes(shim)); // the original is never modified
        // libtorch's libraries by path first, then the original, then the copy.
        Assert.Equal(new[] { "libc10.so", "libtorch.so", "libtorch_cpu.so" }, loaded.Take(3).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(new[] { shim, status.LoadedFrom }, loaded.Skip(3));
    }

    [Fact]
    public void Should_NameTheLibraryTheMissingVersionAndTheFix_When_AUsedVersionIsMissing()
    {
        using var temp = new TempDirectory();
        // std::string's GLIBCXX_3.4.21 renamed to a version no libstdc++ defines: weakening cannot help, the loader really refuses it.
        var image = ElfImage.Parse(NativeFiles.RenameVersion(File.ReadAllBytes(NativeFiles.OriginalShim()), "GLIBCXX_3.4.21", "GLIBCXX_9.9.21"), "copy");
        image.Weaken(new HashSet<string> { "GLIBCXX_3.4.32" }, out _); // whatever this system's libstdc++, only the renamed version is missing
        var bytes = image.Bytes;
        string shim = temp.Combine(NativeLibraryLoader.ShimFileName);
        File.WriteAllBytes(shim, bytes);
        var loader = new NativeLibraryLoader(new[] { temp.Path, NativeFiles.LibtorchFolder() }, temp.Combine("cache"), NoForbiddenFolders,
            NativeLibraryLoader.ForThisProcess().LoadFunction);

        var e = Assert.Throws<NativeLibraryLoadException>(() => loader.Load());

        Assert.Equal(shim, e.Library);
        Assert.Contains("GLIBCXX_9.9.21 (libstdc++.so.6)", e.MissingVersions);
        Assert.StartsWith($"TorchSharp's native library '{shim}' cannot be loaded on this system. It requires version GLIBCXX_9.9.21 of libstdc++.so.6, and the system's '", e.Message);
        Assert.Matches(@"' defines versions up to GLIBCXX_3\.4\.\d+\. Relocations use it, for _Z\w+, _Z\w+, _Z\w+ and \d+ more\. ", e.Message);
        Assert.Contains("A requirement can be marked weak only where nothing relocates against it, so Kernelwise does not patch the library.", e.Message);
        Assert.Contains("version `GLIBCXX_9.9.21' not found", Assert.Single(e.Attempts, a => a.StartsWith("loading the library where the application has it", StringComparison.Ordinal)));
        Assert.Contains($"\nTried:\n  1. loading libtorch's libraries the shim needs first, by path: libtorch.so, libc10.so, libtorch_cpu.so from '{NativeFiles.LibtorchFolder()}': loaded\n  2. loading the library where the application has it ('{shim}'): ", e.Message.ReplaceLineEndings("\n"));
        Assert.Contains("\nFix: Install a libstdc++.so.6 that defines GLIBCXX_9.9.21", e.Message.ReplaceLineEndings("\n"));
        Assert.False(Directory.Exists(temp.Combine("cache")));
    }

    [Fact]
    public void Should_SayTheCopyCouldNotBeWrittenAndHowToFixIt_When_TheCacheIsNotWritable()
    {
        using var temp = new TempDirectory();
        var bytes = NativeFiles.RenameVersion(File.ReadAllBytes(NativeFiles.OriginalShim()), "GLIBCXX_3.4.32", "GLIBCXX_9.9.32");
        string shim = temp.Combine(NativeLibraryLoader.ShimFileName);
        File.WriteAllBytes(shim, bytes);
        File.WriteAllText(temp.Combine("not-a-folder"), "");
        var loader = new NativeLibraryLoader(new[] { temp.Path, NativeFiles.LibtorchFolder() }, temp.Combine("not-a-folder", "cache"), NoForbiddenFolders,
            path => path == shim ? "version `GLIBCXX_9.9.32' not found" : null);

        var e = Assert.Throws<NativeLibraryLoadException>(() => loader.Load());

        Assert.Contains("It requires version GLIBCXX_9.9.32 of libstdc++.so.6", e.Message);
        Assert.Contains("so a copy with the requirement marked weak would load. Writing that copy failed.", e.Message);
        Assert.Contains(e.Attempts, a => a.StartsWith($"writing the weakened copy under '{temp.Combine("not-a-folder", "cache")}': ", StringComparison.Ordinal));
        Assert.Contains("Fix: Set KERNELWISE_NATIVE_CACHE to a folder you can write", e.Message);
    }

    [Fact]
    public void Should_RefuseToWriteIntoTheApplicationFolder_When_TheCacheIsPointedThere()
    {
        using var temp = new TempDirectory();
        var bytes = NativeFiles.RenameVersion(File.ReadAllBytes(NativeFiles.OriginalShim()), "GLIBCXX_3.4.32", "GLIBCXX_9.9.32");
        string shim = temp.Combine(NativeLibraryLoader.ShimFileName);
        File.WriteAllBytes(shim, bytes);
        var loader = new NativeLibraryLoader(new[] { temp.Path, NativeFiles.LibtorchFolder() }, temp.Combine("cache"), new[] { (temp.Path, "the application's folder") },
            path => path == shim ? "version `GLIBCXX_9.9.32' not found" : null);

        var e = Assert.Throws<NativeLibraryLoadException>(() => loader.Load());

        Assert.Contains(e.Attempts, a => a.Contains("it lies inside the application's folder", StringComparison.Ordinal));
        Assert.False(Directory.Exists(temp.Combine("cache")));
    }
}
