using static TorchSharp.torch;

namespace Kernelwise.Data.Datasets;

/// <summary>
/// The four-file IDX layout shared by MNIST and Fashion-MNIST, and the search order that finds it: an explicit path,
/// the <c>KERNELWISE_DATA</c> folder, the per-user cache, the system folder, then a verified download into the cache.
/// </summary>
internal sealed record IdxDatasetDefinition(
    string Name,
    string FolderName,
    string? SystemFolder,
    Uri BaseUrl,
    IReadOnlyList<string> ClassNames,
    IReadOnlyDictionary<string, DatasetChecksum> Files,
    string InstallHint)
{
    public const string TrainImages = "train-images-idx3-ubyte";
    public const string TrainLabels = "train-labels-idx1-ubyte";
    public const string TestImages = "t10k-images-idx3-ubyte";
    public const string TestLabels = "t10k-labels-idx1-ubyte";

    private static readonly string[] Stems = { TrainImages, TrainLabels, TestImages, TestLabels };

    public DatasetSplits Load(string? path, DatasetLoadOptions? options)
    {
        options ??= new DatasetLoadOptions();
        var tried = new List<string>();
        if (path is not null)
        {
            if (FindIn(path) is { } explicitFiles) return Read(explicitFiles, path);
            throw new FileNotFoundException($"{Name} files were not found in '{path}': expected {Describe()} (gzip or uncompressed).");
        }
        var dataRoot = options.ResolveDataRoot();
        if (dataRoot.Length > 0)
        {
            foreach (var candidate in new[] { Path.Combine(dataRoot, FolderName), dataRoot })
            {
                tried.Add(candidate);
                if (FindIn(candidate) is { } f) return Read(f, candidate);
            }
        }
        var cache = Path.Combine(options.ResolveCacheRoot(), FolderName);
        tried.Add(cache);
        if (FindIn(cache) is { } cached) return Read(cached, cache);
        if (options.SearchSystemFolder && SystemFolder is not null)
        {
            tried.Add(SystemFolder);
            if (FindIn(SystemFolder) is { } system) return Read(system, SystemFolder);
        }
        if (!options.Download)
            throw new FileNotFoundException(NotFoundMessage(tried, cache, downloadError: null));
        var baseUrl = options.BaseUrl ?? BaseUrl;
        var downloader = options.Downloader ?? new DatasetDownloader();
        try
        {
            foreach (var stem in Stems)
            {
                var file = stem + ".gz";
                downloader.Download(new Uri(baseUrl, file), Path.Combine(cache, file), Files[stem]);
            }
        }
        catch (DatasetDownloadException e)
        {
            throw new FileNotFoundException(NotFoundMessage(tried, cache, e.Message), e);
        }
        return Read(FindIn(cache)!, cache);
    }

    private string Describe() => string.Join(", ", Stems.Select(s => s + "[.gz]"));

    private string NotFoundMessage(List<string> tried, string cache, string? downloadError)
        => $"{Name} was not found (looked in: {string.Join(", ", tried.Select(t => $"'{t}'"))})" +
           (downloadError is null ? " and downloading is switched off." : $" and the download failed: {downloadError}") +
           $" Options: pass the folder to Load(path); set KERNELWISE_DATA to a folder holding the files (or a '{FolderName}' subfolder); " +
           $"{InstallHint}place the four files ({Describe()}) in '{cache}'; or connect to the internet so they can be downloaded from {BaseUrl}.";

    private static Dictionary<string, string>? FindIn(string folder)
    {
        if (!Directory.Exists(folder)) return null;
        var found = new Dictionary<string, string>();
        foreach (var stem in Stems)
        {
            var gz = Path.Combine(folder, stem + ".gz");
            var raw = Path.Combine(folder, stem);
            if (File.Exists(gz)) found[stem] = gz;
            else if (File.Exists(raw)) found[stem] = raw;
            else return null;
        }
        return found;
    }

    private DatasetSplits Read(Dictionary<string, string> files, string source)
    {
        var train = ReadPair(files[TrainImages], files[TrainLabels]);
        try
        {
            var test = ReadPair(files[TestImages], files[TestLabels]);
            return new DatasetSplits(train, test, ClassNames, source);
        }
        catch
        {
            train.Dispose();
            throw;
        }
    }

    private TensorDataset ReadPair(string imagesPath, string labelsPath)
    {
        var images = Idx.ReadImages(imagesPath);
        var labels = Idx.ReadLabels(labelsPath);
        if (images.Count != labels.Length)
            throw new InvalidDataException($"'{imagesPath}' holds {images.Count} images but '{labelsPath}' holds {labels.Length} labels; they must match.");
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] >= ClassNames.Count)
                throw new InvalidDataException($"'{labelsPath}' holds label {labels[i]} at index {i}; {Name} has {ClassNames.Count} classes (0 to {ClassNames.Count - 1}).");
        }
        using var scope = NewDisposeScope();
        var x = tensor(images.Pixels, new long[] { images.Count, 1, images.Rows, images.Columns }).to_type(ScalarType.Float32).div_(255f);
        var y = tensor(labels).to_type(ScalarType.Int64);
        return new TensorDataset(x.MoveToOuterDisposeScope(), y.MoveToOuterDisposeScope(), ClassNames);
    }
}
