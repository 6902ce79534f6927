using System.Globalization;

namespace Kernelwise.Data;

/// <summary>Finds the classes and files of an image folder and checks the files' headers (in parallel).</summary>
internal static class ImageFolderScanner
{
    public sealed record Result(IReadOnlyList<string> ClassNames, ImageFile[] Files, IReadOnlyList<string> Ignored);

    public static Result Scan(string root, ImageFolderOptions options, ImageDecoder decoder, SkipLog log)
    {
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException(File.Exists(root)
                ? $"Image folder '{root}' is a file, not a folder. Expected a folder with one subfolder per class (root/cat/1.jpg, root/dog/2.jpg)."
                : $"Image folder '{root}' does not exist. Expected a folder with one subfolder per class (root/cat/1.jpg, root/dog/2.jpg).");
        }
        var folders = Directory.GetDirectories(root)
            .Where(d => !IsHidden(d))
            .ToDictionary(d => Path.GetFileName(d), StringComparer.Ordinal);
        if (folders.Count == 0)
        {
            int loose = Directory.EnumerateFiles(root).Count(f => ImageFormats.Supported.Contains(Path.GetExtension(f)));
            throw new ArgumentException(
                $"Invalid value for argument directory. Expected a folder with one subfolder per class (root/cat/1.jpg, root/dog/2.jpg). " +
                $"Received directory='{root}', which has no subfolders{(loose > 0 ? $" but {loose} image file(s) directly inside: move them into one folder per class" : "")}.",
                "directory");
        }
        var classNames = ResolveClassNames(root, options.ClassNames, folders.Keys);
        bool skip = options.OnBadFile == BadFilePolicy.Skip;

        // Candidates per class, in ordinal path order.
        var ignored = new List<string>();
        var candidates = new List<(string Path, int Label, string? Problem)>();
        for (int label = 0; label < classNames.Count; label++)
        {
            var dir = folders[classNames[label]];
            var files = Directory.EnumerateFiles(dir, "*", new EnumerationOptions
            {
                RecurseSubdirectories = true,
                AttributesToSkip = FileAttributes.Hidden | FileAttributes.System,
                IgnoreInaccessible = true,
                ReturnSpecialDirectories = false,
            })
                .Where(f => !IsHidden(f) && !Path.GetRelativePath(dir, f).Split(Path.DirectorySeparatorChar).Any(p => p.StartsWith('.')))
                .OrderBy(f => f, StringComparer.Ordinal);
            foreach (var f in files)
            {
                string ext = Path.GetExtension(f);
                if (ImageFormats.Supported.Contains(ext)) candidates.Add((f, label, null));
                else if (ImageFormats.Unsupported.Contains(ext)) candidates.Add((f, label, ImageFormats.UnsupportedExtension(ext.ToLowerInvariant())));
                else ignored.Add(f);
            }
        }

        // Header checks, in parallel (file opens dominate).
        var problems = new string?[candidates.Count];
        if (options.ValidateFiles)
        {
            Parallel.For(0, candidates.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
                i => problems[i] = candidates[i].Problem ?? decoder.Check(candidates[i].Path));
        }
        else
        {
            for (int i = 0; i < candidates.Count; i++) problems[i] = candidates[i].Problem;
        }

        var accepted = new List<ImageFile>(candidates.Count);
        var perClass = new int[classNames.Count];
        for (int i = 0; i < candidates.Count; i++)
        {
            var (path, label, _) = candidates[i];
            if (problems[i] is { } problem)
            {
                if (!skip) throw new ImageFileException(path, problem + " (set ImageFolderOptions.OnBadFile = BadFilePolicy.Skip to leave bad files out)");
                log.Add(path, problem);
                continue;
            }
            accepted.Add(new ImageFile(path, label));
            perClass[label]++;
        }
        for (int label = 0; label < classNames.Count; label++)
        {
            if (perClass[label] > 0) continue;
            var dir = folders[classNames[label]];
            string reason = string.Create(CultureInfo.InvariantCulture,
                $"the class folder holds no usable image, so class '{classNames[label]}' (label {label}) has no samples");
            if (!skip) throw new ImageFileException(dir, reason + " (remove the folder, add images, or set ImageFolderOptions.OnBadFile = BadFilePolicy.Skip)");
            log.Add(dir, reason);
        }
        if (accepted.Count == 0)
        {
            var first = log.Snapshot().FirstOrDefault();
            string example = first is null ? "." : $"; the first: {first}.";
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"Image folder '{root}' has no usable image in its {classNames.Count} class folder(s): {candidates.Count} image file(s) found, all skipped{example}"));
        }
        return new Result(classNames, accepted.ToArray(), ignored);
    }

    private static IReadOnlyList<string> ResolveClassNames(string root, IReadOnlyList<string>? requested, IEnumerable<string> found)
    {
        var sorted = found.Order(StringComparer.Ordinal).ToArray();
        if (requested is null) return sorted;
        var dupes = requested.GroupBy(n => n, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (dupes.Count > 0)
            throw new ArgumentException($"Invalid value for argument classNames. Expected distinct names. Received classNames with duplicates: {string.Join(", ", dupes.Select(d => $"'{d}'"))}.", "classNames");
        var missing = requested.Where(n => !sorted.Contains(n, StringComparer.Ordinal)).ToList();
        var extra = sorted.Where(n => !requested.Contains(n, StringComparer.Ordinal)).ToList();
        if (missing.Count > 0 || extra.Count > 0)
        {
            throw new ArgumentException(
                $"Invalid value for argument classNames. Expected exactly the subfolder names of '{root}': {string.Join(", ", sorted.Select(s => $"'{s}'"))}. " +
                $"Received classNames=[{string.Join(", ", requested.Select(s => $"'{s}'"))}]" +
                (missing.Count > 0 ? $"; no folder for {string.Join(", ", missing.Select(s => $"'{s}'"))}" : "") +
                (extra.Count > 0 ? $"; not listed: {string.Join(", ", extra.Select(s => $"'{s}'"))}" : "") + ".",
                "classNames");
        }
        return requested.ToArray();
    }

    private static bool IsHidden(string path) => Path.GetFileName(path).StartsWith('.');
}
