using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Kernelwise.Platform;

/// <summary>
/// Loads TorchSharp's native shim (<c>libLibTorchSharp.so</c>) before TorchSharp's first native call, on x64 Linux.
/// </summary>
/// <remarks>
/// <para>Steps: find the shim in the folders the application's native libraries come from (the host's
/// <c>NATIVE_DLL_SEARCH_DIRECTORIES</c>, the application folder, TorchSharp's folder); load libtorch's libraries it
/// needs (<c>libc10.so</c>, <c>libtorch_cpu.so</c>, <c>libtorch.so</c>) by path; load the shim. When the dynamic loader
/// refuses it, read the shim's version requirements (<c>.gnu.version_r</c>) and the versions each needed system
/// library defines (<c>.gnu.version_d</c> of the file the process maps or the loader would find) to name the
/// missing ones. If every missing version is one that no relocation uses (TorchSharp 0.107 needs
/// <c>GLIBCXX_3.4.32</c> only for GCC 13's iostream start-up marker), write a copy with those requirements marked weak
/// into the per-user cache (<see cref="NativeLibraryCache"/>) and load that; otherwise throw
/// <see cref="NativeLibraryLoadException"/> with the whole story.</para>
/// <para>TorchSharp accepts a shim loaded before it initialises: it asks the runtime for <c>LibTorchSharp</c>, whose
/// probing ends with <c>dlopen("libLibTorchSharp.so")</c>, and the dynamic loader answers that with the library
/// already loaded under that SONAME. The copy's own <c>$ORIGIN</c> run path points into the cache, which is why
/// libtorch's libraries are loaded first, by path.</para>
/// </remarks>
internal sealed class NativeLibraryLoader
{
    /// <summary>TorchSharp's native shim on Linux.</summary>
    public const string ShimFileName = "libLibTorchSharp.so";

    /// <summary>Files larger than this are not read to diagnose a failure (libtorch_cpu.so is about 460 MB).</summary>
    private const long MaxDiagnosedFileBytes = 1L << 30;

    private static readonly string[] StandardLibraryFolders =
    {
        "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64", "/lib", "/usr/lib",
    };

    private readonly IReadOnlyList<string> _searchDirectories;
    private readonly string? _cacheRoot;
    private readonly IReadOnlyList<(string Folder, string What)> _forbiddenCacheFolders;
    private readonly Func<string, string?> _load;
    private readonly List<string> _attempts = new();
    private readonly Dictionary<string, ElfImage> _headers = new(StringComparer.Ordinal);

    /// <param name="searchDirectories">Folders to look for the shim and libtorch's libraries in, in order.</param>
    /// <param name="cacheRoot">The per-user cache for a weakened copy; null when no folder could be determined.</param>
    /// <param name="forbiddenCacheFolders">Folders the cache must not lie in (the NuGet cache, the application folder).</param>
    /// <param name="load">Loads a library by path: null on success, else the dynamic loader's message.</param>
    public NativeLibraryLoader(IReadOnlyList<string> searchDirectories, string? cacheRoot,
        IReadOnlyList<(string Folder, string What)> forbiddenCacheFolders, Func<string, string?> load)
    {
        _searchDirectories = searchDirectories;
        _cacheRoot = cacheRoot;
        _forbiddenCacheFolders = forbiddenCacheFolders;
        _load = load;
    }

    /// <summary>The function this loader loads a library with: null on success, else the dynamic loader's message.</summary>
    public Func<string, string?> LoadFunction => _load;

    /// <summary>The loader this process uses: the host's native search folders, the user's cache, <see cref="NativeLibrary.Load(string)"/>.</summary>
    public static NativeLibraryLoader ForThisProcess()
    {
        string? nuget = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (string.IsNullOrWhiteSpace(nuget))
            nuget = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        return new NativeLibraryLoader(DefaultSearchDirectories(), NativeLibraryCache.DefaultRoot(Environment.GetEnvironmentVariable),
            new[] { (nuget, "the NuGet packages folder"), (AppContext.BaseDirectory, "the application's folder") }, LoadLibrary);
    }

    /// <summary>
    /// Where an application's natives are: the host's <c>NATIVE_DLL_SEARCH_DIRECTORIES</c> (from the deps.json assets,
    /// including those resolved in the NuGet cache), the application folder and its <c>runtimes/linux-x64/native</c>,
    /// and the same next to TorchSharp.dll. Only existing folders, each once.
    /// </summary>
    public static IReadOnlyList<string> DefaultSearchDirectories()
    {
        var folders = new List<string>();
        if (AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") is string hostFolders)
            folders.AddRange(hostFolders.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        folders.Add(AppContext.BaseDirectory);
        folders.Add(Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native"));
        // typeof only loads TorchSharp's assembly; no TorchSharp type initialiser runs.
        string torchSharp = typeof(TorchSharp.torch).Assembly.Location;
        if (!string.IsNullOrEmpty(torchSharp))
        {
            string folder = Path.GetDirectoryName(torchSharp)!;
            folders.Add(folder);
            folders.Add(Path.Combine(folder, "runtimes", "linux-x64", "native"));
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<string>();
        foreach (string f in folders)
        {
            string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(f));
            if (seen.Add(full) && Directory.Exists(full)) result.Add(full);
        }
        return result;
    }

    /// <summary>Loads the shim (weakening a copy where that is what it takes).</summary>
    /// <exception cref="NativeLibraryLoadException">The shim or one of libtorch's libraries cannot be loaded; the message says why and what to do.</exception>
    public NativeLibraryStatus Load()
    {
        string? shim = _searchDirectories.Select(d => Path.Combine(d, ShimFileName)).FirstOrDefault(File.Exists);
        if (shim is null) return new NativeLibraryStatus(NativeLibraryOutcome.NotFound, searched: _searchDirectories);
        string shimFolder = Path.GetDirectoryName(shim)!;

        byte[] original = File.ReadAllBytes(shim);
        ElfImage image;
        try
        {
            image = ElfImage.Parse(original, shim, symbols: false); // DT_NEEDED and the version tables; symbols only if it fails
        }
        catch (InvalidDataException e)
        {
            throw Failure(shim, Array.Empty<string>(), e.Message, "Restore the TorchSharp package (dotnet restore --force) so that the file is whole again.");
        }

        var dependencyFailures = LoadTorchDependencies(image, shimFolder);

        string? error = Try(shim, "loading the library where the application has it");
        if (error is null) return new NativeLibraryStatus(NativeLibraryOutcome.Loaded, shim, shim, searched: _searchDirectories);

        if (dependencyFailures.Count > 0) throw DependencyFailure(dependencyFailures[0]);

        var missing = MissingVersions(image, shimFolder);
        if (missing.Count == 0)
        {
            throw Failure(shim, Array.Empty<string>(), "No version requirement of the library is missing on this system; the dynamic loader's message under Tried is the cause.",
                "Make the libraries it names available (LD_DEBUG=libs shows where the loader looks), or restore the packages with dotnet restore --force.");
        }

        var names = missing.Select(m => Describe(m.Need)).ToArray();
        image = ElfImage.Parse(original, shim);
        var blocking = missing.Where(m => image.RelocatedSymbolsOf(m.Need).Count > 0).ToList();
        if (blocking.Count > 0)
        {
            var why = new StringBuilder();
            foreach (var m in missing)
            {
                why.Append(MissingSentence(m));
                var used = image.RelocatedSymbolsOf(m.Need);
                why.Append(used.Count == 0
                    ? " Nothing relocates against it (Kernelwise would mark it weak in a copy). "
                    : $" Relocations use it, for {Abbreviate(used, 3)}. ");
            }
            why.Append("A requirement can be marked weak only where nothing relocates against it, so Kernelwise does not patch the library.");
            throw Failure(shim, names, why.ToString(), InstallFix(blocking));
        }

        string copy = WriteWeakenedCopy(shim, original, names, missing);
        string? copyError = Try(copy, "loading a copy with " + string.Join(", ", names) + " marked weak");
        if (copyError is not null)
        {
            throw Failure(shim, names, string.Join(" ", missing.Select(MissingSentence)) + " The weakened copy did not load either.",
                "The loader's message for the copy names what else is missing. " + InstallFix(missing));
        }
        return new NativeLibraryStatus(NativeLibraryOutcome.LoadedWeakenedCopy, shim, copy, names, _searchDirectories);
    }

    /// <summary>
    /// The bytes of the weakened copy: every version requirement that no relocation uses is marked weak (a pure
    /// function of the original, so the cache entry keyed by its SHA-256 is the same whichever versions a given system
    /// lacks). On a system that has a version, the flag changes nothing.
    /// </summary>
    public static byte[] Weakened(byte[] original, string path)
    {
        var copy = (byte[])original.Clone();
        var image = ElfImage.Parse(copy, path);
        var unused = image.VersionNeeds.Where(n => image.RelocatedSymbolsOf(n).Count == 0).Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        image.Weaken(unused, out _);
        return copy;
    }

    /// <summary>One missing version requirement and what the system offers instead.</summary>
    internal sealed record MissingVersion(ElfVersionNeed Need, string? Provider, IReadOnlyList<string> Defined);

    /// <summary>
    /// The version requirements of <paramref name="image"/> that the libraries it needs do not define, each with the
    /// file that was examined. Requirements of libraries that cannot be found or read are left out.
    /// </summary>
    internal IReadOnlyList<MissingVersion> MissingVersions(ElfImage image, string origin)
    {
        var result = new List<MissingVersion>();
        foreach (var group in image.VersionNeeds.GroupBy(n => n.File))
        {
            string? provider = ResolveDependency(group.Key, origin, image);
            if (provider is null) continue;
            IList<string> defined;
            try
            {
                if (new FileInfo(provider).Length > MaxDiagnosedFileBytes) continue;
                defined = Headers(provider).VersionDefinitions;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                continue;
            }
            var set = defined.ToHashSet(StringComparer.Ordinal);
            foreach (var need in group)
            {
                if (!need.IsWeak && !set.Contains(need.Name)) result.Add(new MissingVersion(need, provider, defined.ToArray()));
            }
        }
        return result;
    }

    /// <summary>
    /// The file the dynamic loader would use for <paramref name="soname"/>: the one this process already maps, else
    /// the first in LD_LIBRARY_PATH, the library's run path, the search folders and the standard folders.
    /// </summary>
    internal string? ResolveDependency(string soname, string origin, ElfImage image)
    {
        foreach (string mapped in MappedFiles())
        {
            if (!Path.GetFileName(mapped).StartsWith(soname, StringComparison.Ordinal)) continue;
            try
            {
                if (new FileInfo(mapped).Length <= MaxDiagnosedFileBytes && Headers(mapped).SoName == soname) return mapped;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
            {
            }
        }
        var folders = new List<string>();
        folders.AddRange((Environment.GetEnvironmentVariable("LD_LIBRARY_PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries));
        folders.AddRange(image.RunPath.Select(p => p.Replace("$ORIGIN", origin, StringComparison.Ordinal).Replace("${ORIGIN}", origin, StringComparison.Ordinal)));
        folders.AddRange(_searchDirectories);
        folders.AddRange(StandardLibraryFolders);
        return folders.Select(f => Path.Combine(f, soname)).FirstOrDefault(File.Exists);
    }

    /// <summary>A library's dynamic section and version tables (no symbols), read once per loader.</summary>
    private ElfImage Headers(string path)
    {
        if (!_headers.TryGetValue(path, out var image)) _headers[path] = image = ElfImage.Read(path, symbols: false);
        return image;
    }

    private List<string> LoadTorchDependencies(ElfImage shim, string shimFolder)
    {
        // libtorch's own libraries among the shim's DT_NEEDED, found next to it or in another native folder of the
        // application (a package folder of the NuGet cache); system libraries are left to the dynamic loader.
        var folders = new[] { shimFolder }.Concat(_searchDirectories).Distinct(StringComparer.Ordinal).ToArray();
        var pending = new List<string>();
        foreach (string needed in shim.Needed)
        {
            string? path = folders.Select(f => Path.Combine(f, needed)).FirstOrDefault(File.Exists);
            if (path is not null) pending.Add(path);
        }
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var loaded = new List<string>();
        // Each pass loads what it can; a library whose dependency was not loaded yet succeeds in a later pass.
        bool progress = true;
        while (pending.Count > 0 && progress)
        {
            progress = false;
            foreach (string path in pending.ToArray())
            {
                string? error = _load(path);
                if (error is null)
                {
                    pending.Remove(path);
                    errors.Remove(path);
                    loaded.Add(path);
                    progress = true;
                }
                else
                {
                    errors[path] = error;
                }
            }
        }
        foreach (var folder in loaded.GroupBy(Path.GetDirectoryName))
        {
            _attempts.Add($"loading libtorch's libraries the shim needs first, by path: {string.Join(", ", folder.Select(Path.GetFileName))} from '{folder.Key}': loaded");
        }
        foreach (string path in pending) _attempts.Add($"loading libtorch's '{path}' first, by path: {errors[path]}");
        return pending;
    }

    private NativeLibraryLoadException DependencyFailure(string dependency)
    {
        try
        {
            if (new FileInfo(dependency).Length <= MaxDiagnosedFileBytes)
            {
                var image = ElfImage.Read(dependency, symbols: false);
                var missing = MissingVersions(image, Path.GetDirectoryName(dependency)!);
                if (missing.Count > 0)
                {
                    return Failure(dependency, missing.Select(m => Describe(m.Need)).ToArray(),
                        "TorchSharp's shim needs it, and " + string.Join(" ", missing.Select(MissingSentence)), InstallFix(missing));
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
        }
        return Failure(dependency, Array.Empty<string>(), "TorchSharp's shim needs it; the dynamic loader's message is under Tried.",
            "Make the libraries it names available (LD_DEBUG=libs shows where the loader looks), or restore the packages with dotnet restore --force.");
    }

    private string WriteWeakenedCopy(string shim, byte[] original, IReadOnlyList<string> names, IReadOnlyList<MissingVersion> missing)
    {
        string summary = string.Join(" ", missing.Select(MissingSentence)) +
            " No relocation uses " + (names.Count == 1 ? "it" : "them") + ", so a copy with the requirement marked weak would load.";
        if (_cacheRoot is null)
        {
            throw Failure(shim, names, summary + " But no per-user cache folder is known (neither KERNELWISE_NATIVE_CACHE, XDG_CACHE_HOME nor HOME is set).",
                $"Set {NativeLibraryCache.CacheVariable} to a folder you can write, or build through the Kernelwise package, whose build step patches the copy in your output.");
        }
        try
        {
            NativeLibraryCache.CheckRoot(_cacheRoot, _forbiddenCacheFolders);
            return NativeLibraryCache.Store(_cacheRoot, original, ShimFileName, Weakened(original, shim));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            _attempts.Add($"writing the weakened copy under '{_cacheRoot}': {e.Message}");
            throw Failure(shim, names, summary + " Writing that copy failed.",
                $"Set {NativeLibraryCache.CacheVariable} to a folder you can write, or build through the Kernelwise package, whose build step patches the copy in your output.");
        }
    }

    private string? Try(string path, string what)
    {
        string? error = _load(path);
        _attempts.Add(error is null ? $"{what} ('{path}'): loaded" : $"{what} ('{path}'): {error}");
        return error;
    }

    private NativeLibraryLoadException Failure(string library, IReadOnlyList<string> missing, string why, string fix)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"TorchSharp's native library '{library}' cannot be loaded on this system. {why}");
        text.AppendLine().Append("Tried:");
        for (int i = 0; i < _attempts.Count; i++) text.AppendLine().Append(CultureInfo.InvariantCulture, $"  {i + 1}. {_attempts[i]}");
        text.AppendLine().Append("Fix: ").Append(fix);
        return new NativeLibraryLoadException(library, missing, _attempts.ToArray(), text.ToString());
    }

    private static string Describe(ElfVersionNeed need) => $"{need.Name} ({need.File})";

    private static string MissingSentence(MissingVersion m)
    {
        string family = Family(m.Need.Name);
        string? newest = m.Defined.Where(d => Family(d) == family).OrderBy(d => d, VersionNameComparer.Instance).LastOrDefault();
        string offers = newest is null ? $"defines no {family} version" : $"defines versions up to {newest}";
        return $"It requires version {m.Need.Name} of {m.Need.File}, and the system's '{m.Provider}' {offers}.";
    }

    private static string InstallFix(IEnumerable<MissingVersion> missing)
    {
        var parts = missing.Select(m => m.Need.Name.StartsWith("GLIBCXX_", StringComparison.Ordinal)
            ? $"a {m.Need.File} that defines {m.Need.Name} (libstdc++ is GCC's C++ runtime; a newer GCC's brings newer GLIBCXX versions)"
            : $"a {m.Need.File} that defines {m.Need.Name}").Distinct();
        return "Install " + string.Join(" and ", parts) + ", or run on a newer Linux distribution.";
    }

    private static string Abbreviate(IList<string> items, int max) =>
        items.Count <= max ? string.Join(", ", items) : string.Join(", ", items.Take(max)) + $" and {items.Count - max} more";

    private static string Family(string version)
    {
        int underscore = version.IndexOf('_', StringComparison.Ordinal);
        return underscore < 0 ? version : version[..underscore];
    }

    private static IEnumerable<string> MappedFiles()
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines("/proc/self/maps");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            yield break;
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string line in lines)
        {
            int slash = line.IndexOf('/', StringComparison.Ordinal);
            if (slash < 0) continue;
            string path = line[slash..];
            if (seen.Add(path)) yield return path;
        }
    }

    private static string? LoadLibrary(string path)
    {
        try
        {
            NativeLibrary.Load(path);
            return null;
        }
        catch (DllNotFoundException e)
        {
            return LoaderMessage(e.Message);
        }
        catch (BadImageFormatException e)
        {
            return e.Message;
        }
    }

    /// <summary>The dynamic loader's own line from the runtime's exception message (its last line), or the whole message.</summary>
    internal static string LoaderMessage(string message)
    {
        var lines = message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? message : lines[^1];
    }

    /// <summary>Orders version names such as GLIBCXX_3.4.9 &lt; GLIBCXX_3.4.30 by their numbers.</summary>
    private sealed class VersionNameComparer : IComparer<string>
    {
        public static readonly VersionNameComparer Instance = new();

        public int Compare(string? x, string? y)
        {
            var a = Numbers(x ?? "");
            var b = Numbers(y ?? "");
            for (int i = 0; i < Math.Max(a.Length, b.Length); i++)
            {
                int c = (i < a.Length ? a[i] : -1).CompareTo(i < b.Length ? b[i] : -1);
                if (c != 0) return c;
            }
            return string.CompareOrdinal(x, y);
        }

        private static int[] Numbers(string version)
        {
            int underscore = version.IndexOf('_', StringComparison.Ordinal);
            return version[(underscore + 1)..].Split('.')
                .Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : -1).ToArray();
        }
    }
}
