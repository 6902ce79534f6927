using System.Globalization;
using System.Text;

namespace Kernelwise.Data;

/// <summary>
/// Finds, downloads and reads a dataset described by an <see cref="IdxDatasetDefinition"/>. Search order: (1) the
/// explicit path, (2) <c>$KERNELWISE_DATA/&lt;folder&gt;</c> then <c>$KERNELWISE_DATA</c>, (3) the per-user cache
/// folder, (4) system folders; otherwise the missing files are downloaded into the cache.
/// </summary>
internal static class IdxDatasetLoader
{
    public static DatasetSplits Load(IdxDatasetDefinition definition, string? path, DatasetOptions? options)
    {
        options ??= new DatasetOptions();
        if (path is not null)
        {
            Guard.NotEmpty(path);
            var files = Find(definition, path, out string missing);
            if (files is null)
            {
                throw new DatasetNotFoundException(definition.DisplayName,
                    $"{definition.DisplayName} files were not found in '{path}' (the path argument): {missing}. The folder must hold {FileList(definition)} (each gzip-compressed or not).");
            }
            return Read(definition, path, files);
        }

        var searched = new List<string>();
        var candidates = new List<(string Directory, string Origin)>();
        string? data = options.ReadEnvironment(DatasetOptions.DataEnvironmentVariable);
        if (string.IsNullOrWhiteSpace(data))
        {
            searched.Add($"${DatasetOptions.DataEnvironmentVariable}: not set");
        }
        else
        {
            candidates.Add((Path.Combine(data, definition.FolderName), $"${DatasetOptions.DataEnvironmentVariable}/{definition.FolderName}"));
            candidates.Add((data, $"${DatasetOptions.DataEnvironmentVariable}"));
        }
        string cache = Path.Combine(options.CacheRoot, definition.FolderName);
        candidates.Add((cache, "cache"));
        foreach (string system in options.SystemDirectories ?? definition.SystemDirectories) candidates.Add((system, "system package"));

        foreach (var (directory, origin) in candidates)
        {
            var files = Find(definition, directory, out string missing);
            if (files is not null) return Read(definition, directory, files);
            searched.Add($"{directory} ({origin}): {missing}");
        }

        Uri baseUrl = WithTrailingSlash(options.BaseUrl ?? definition.BaseUrl);
        if (!options.Download)
            throw NotFound(definition, cache, baseUrl, searched, "Downloading is switched off (DatasetOptions.Download = false).", null);

        using var downloader = new DatasetDownloader(options.Timeout, options.HttpClient);
        foreach (var file in definition.Files)
        {
            if (FindFile(cache, StandardName(file)) is not null) continue;
            var url = new Uri(baseUrl, file.Name);
            try
            {
                downloader.Download(url, Path.Combine(cache, file.Name), file.Sha256, file.Bytes);
            }
            catch (DatasetDownloadException e)
            {
                throw NotFound(definition, cache, baseUrl, searched, e.Message, e);
            }
        }
        var downloaded = Find(definition, cache, out string stillMissing)
            ?? throw new InvalidOperationException($"{definition.DisplayName}: the cache folder '{cache}' still lacks files after downloading: {stillMissing}.");
        return Read(definition, cache, downloaded);
    }

    /// <summary>The four file paths in <paramref name="directory"/>, or null with a description of what is missing.</summary>
    internal static string[]? Find(IdxDatasetDefinition definition, string directory, out string missing)
    {
        if (!Directory.Exists(directory))
        {
            missing = "folder does not exist";
            return null;
        }
        var paths = definition.Files.Select(f => FindFile(directory, StandardName(f))).ToArray();
        var absent = definition.Files.Where((f, i) => paths[i] is null).Select(f => StandardName(f) + "[.gz]").ToArray();
        missing = absent.Length == 0 ? "" : "missing " + string.Join(", ", absent);
        return absent.Length == 0 ? Array.ConvertAll(paths, p => p!) : null;
    }

    /// <summary>
    /// The file for a standard name such as <c>train-images-idx3-ubyte</c>: gzip-compressed (<c>.gz</c>) first, then
    /// uncompressed, then the dotted spelling some copies use (<c>train-images.idx3-ubyte</c>).
    /// </summary>
    private static string? FindFile(string directory, string standardName)
    {
        int dash = standardName.IndexOf("-idx", StringComparison.Ordinal);
        string dotted = dash < 0 ? standardName : standardName[..dash] + "." + standardName[(dash + 1)..];
        foreach (string name in new[] { standardName + ".gz", standardName, dotted + ".gz", dotted })
        {
            string candidate = Path.Combine(directory, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    private static string StandardName(DatasetFile file) =>
        file.Name.EndsWith(".gz", StringComparison.Ordinal) ? file.Name[..^3] : file.Name;

    private static DatasetSplits Read(IdxDatasetDefinition definition, string directory, string[] paths)
    {
        // Reading and decompressing dominates; the two splits are independent, so they are read side by side.
        var test = Task.Run(() => ReadSplit(definition, paths[2], paths[3]));
        var train = ReadSplit(definition, paths[0], paths[1]);
        var testData = test.GetAwaiter().GetResult();

        var trainSet = Idx.ToDataset(train.Images, train.Labels, definition.ClassNames);
        try
        {
            var testSet = Idx.ToDataset(testData.Images, testData.Labels, definition.ClassNames);
            return new DatasetSplits(trainSet, testSet, definition.ClassNames, directory);
        }
        catch
        {
            trainSet.Dispose();
            throw;
        }
    }

    private static (IdxData Images, IdxData Labels) ReadSplit(IdxDatasetDefinition definition, string imagesPath, string labelsPath)
    {
        var labels = Idx.ReadLabelData(labelsPath);
        int classes = definition.ClassNames.Count;
        int bad = labels.Data.AsSpan().IndexOfAnyInRange((byte)classes, byte.MaxValue);
        if (bad >= 0)
        {
            throw new InvalidDataException(Invariant(
                $"File '{labelsPath}' holds label {labels.Data[bad]} at index {bad}; {definition.DisplayName} has {classes} classes (labels 0 to {classes - 1})."));
        }

        var images = Idx.ReadImageData(imagesPath);
        int[] d = images.Dimensions;
        if (d[1] != definition.Rows || d[2] != definition.Columns)
        {
            throw new InvalidDataException(Invariant(
                $"File '{imagesPath}' holds images of {d[1]}×{d[2]} pixels; {definition.DisplayName} images are {definition.Rows}×{definition.Columns}."));
        }
        Idx.CheckPair(images, labels);
        return (images, labels);
    }

    private static DatasetNotFoundException NotFound(IdxDatasetDefinition definition, string cache, Uri baseUrl, List<string> searched, string reason, Exception? inner)
    {
        var text = new StringBuilder();
        text.AppendLine($"{definition.DisplayName} was not found on this machine and could not be downloaded. {reason}");
        text.AppendLine("Searched:");
        foreach (string line in searched) text.AppendLine($"  - {line}");
        text.AppendLine($"Provide the files ({FileList(definition)}) in one of these ways:");
        text.AppendLine($"  - pass the folder that holds them: {definition.LoadCall}(\"/path/to/folder\");");
        text.AppendLine($"  - set the environment variable {DatasetOptions.DataEnvironmentVariable} to a folder that holds them, directly or in a '{definition.FolderName}' subfolder;");
        if (definition.SystemPackage is not null && definition.SystemDirectories.Count > 0)
            text.AppendLine($"  - on Debian or Ubuntu: sudo apt-get install {definition.SystemPackage} (installs them in {definition.SystemDirectories[0]});");
        text.Append($"  - download them from {baseUrl} and place them in {cache}");
        return new DatasetNotFoundException(definition.DisplayName, text.ToString(), inner);
    }

    private static string FileList(IdxDatasetDefinition definition) =>
        string.Join(", ", definition.Files.Select(f => f.Name));

    private static Uri WithTrailingSlash(Uri uri) =>
        uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
