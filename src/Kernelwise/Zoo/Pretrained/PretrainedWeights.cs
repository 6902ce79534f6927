using System.Globalization;
using Kernelwise.Data;
using Kernelwise.Models;

namespace Kernelwise.Zoo;

/// <summary>
/// A published file of pretrained weights for a zoo architecture, with what it takes to use it: where it is (URL), how
/// to check it (SHA-256 and size), the preprocessing it was trained with and the class names of its outputs. The static
/// members are torchvision's ImageNet-1K weights (Keras's <c>weights="imagenet"</c>); <see cref="Fetch"/> finds or
/// downloads the file, <see cref="Load(Model, PretrainedOptions?, TextWriter?)"/> loads it into a zoo model — also one
/// without its classifier or with a new head, reporting what was skipped.
/// <code>
/// var net = ModelZoo.ResNet18(includeTop: false, pooling: ZooPooling.Average).Dense(5, name: "head");
/// using var model = net.Build();
/// var report = PretrainedWeights.ResNet18.Load(model);   // downloads once, verifies, loads; lists fc.weight and fc.bias as skipped
/// var preprocess = PretrainedWeights.ResNet18.Preprocessing.ToPipeline();  // resize 256, centre crop 224, ImageNet normalisation
/// </code>
/// </summary>
/// <remarks>
/// <para>Facts carried over from torchvision (<c>torchvision/models/*.py</c>, the <c>IMAGENET1K_V1</c> entries of its
/// <c>*_Weights</c> enums): URLs, parameter counts, accuracies, the file sizes it publishes (<c>_file_size</c>, in MiB to
/// three decimals) and the 1000 category names (<c>torchvision/models/_meta.py</c>). torchvision publishes only the first
/// 8 hexadecimal digits of each file's SHA-256, in its file name, and checks that prefix when it downloads; where the full
/// SHA-256 and exact size are known (ResNet-18, ResNet-50: recorded by independent third-party manifests in public
/// repositories, consistent with the prefix and with torchvision's published size), they are checked in full, otherwise
/// the prefix is (<see cref="HasFullSha256"/>).</para>
/// <para>GoogLeNet: torchvision's model applies <c>transform_input</c> to these weights (ported from TensorFlow), which maps
/// ImageNet-normalised input to <c>(x − 0.5) / 0.5</c>; Kernelwise's GoogLeNet has no such step, so this entry's
/// preprocessing normalises with mean 0.5 and std 0.5 directly — the same input. The file also holds the two auxiliary
/// heads, which are skipped (and reported) when the model is built without them.</para>
/// </remarks>
public sealed class PretrainedWeights
{
    private static readonly Lazy<IReadOnlyList<string>> ImageNetClasses = new(ReadImageNetClasses);
    private readonly Func<int, bool, ZooPooling, Sequential>? _definition;

    /// <summary>Describes a weights file (torchvision's are the static members; use this for a mirror of your own or other files).</summary>
    /// <param name="name">The registry name (<c>resnet18</c>).</param>
    /// <param name="architecture">The architecture in words (<c>ResNet-18</c>).</param>
    /// <param name="url">Where the file is published (http or https); its last segment is the file name.</param>
    /// <param name="sha256">The file's SHA-256: 64 hexadecimal digits, or its first 8 or more when only a prefix is published.</param>
    /// <param name="bytes">The file's exact size when known.</param>
    /// <param name="preprocessing">The preprocessing the weights expect; <see cref="ImagePreprocessing.ImageNet"/> when null.</param>
    /// <param name="classNames">The names of the outputs, in order; none when null.</param>
    /// <param name="definition">Builds the matching zoo model: (classes, includeTop, pooling) → definition; none when null.</param>
    /// <param name="parameters">Parameter count of the model the file was saved from (0 when unknown).</param>
    /// <param name="publishedMebibytes">The size the publisher states, in MiB (torchvision's <c>_file_size</c>), when known.</param>
    /// <param name="top1Accuracy">Published top-1 accuracy on the evaluation set, in percent, when known.</param>
    /// <param name="top5Accuracy">Published top-5 accuracy, in percent, when known.</param>
    public PretrainedWeights(string name, string architecture, Uri url, string sha256, long? bytes = null, ImagePreprocessing? preprocessing = null,
        IReadOnlyList<string>? classNames = null, Func<int, bool, ZooPooling, Sequential>? definition = null, long parameters = 0,
        double? publishedMebibytes = null, double? top1Accuracy = null, double? top5Accuracy = null)
    {
        Name = Guard.NotEmpty(name);
        Architecture = Guard.NotEmpty(architecture);
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps) || Path.GetFileName(url.AbsolutePath).Length == 0)
            throw new ArgumentException($"Invalid value for argument url. Expected an absolute http or https URL ending in a file name. Received url='{url}'.", nameof(url));
        FileDownloader.CheckHash(sha256);
        if (bytes is < 0) throw new ArgumentOutOfRangeException(nameof(bytes), bytes, $"Invalid value for argument bytes. Expected a value of 0 or more. Received bytes={bytes}.");
        Url = url;
        Sha256 = sha256.ToLowerInvariant();
        Bytes = bytes;
        Preprocessing = preprocessing ?? ImagePreprocessing.ImageNet;
        ClassNames = classNames ?? Array.Empty<string>();
        _definition = definition;
        Parameters = parameters;
        PublishedMebibytes = publishedMebibytes;
        Top1Accuracy = top1Accuracy;
        Top5Accuracy = top5Accuracy;
    }

    /// <summary>The registry name (<c>resnet18</c>), accepted by <see cref="Get"/> in any case.</summary>
    public string Name { get; }

    /// <summary>The architecture in words.</summary>
    public string Architecture { get; }

    /// <summary>Where the file is published.</summary>
    public Uri Url { get; }

    /// <summary>The published file name (<c>resnet18-f37072fd.pth</c>); copies put in place by hand must keep it.</summary>
    public string FileName => Path.GetFileName(Url.AbsolutePath);

    /// <summary>The file's SHA-256, lowercase: all 64 digits or the published prefix (see <see cref="HasFullSha256"/>).</summary>
    public string Sha256 { get; }

    /// <summary>Whether <see cref="Sha256"/> is the full hash (true) or only its published prefix (false).</summary>
    public bool HasFullSha256 => Sha256.Length == 64;

    /// <summary>The file's exact size in bytes, when known; downloads of another size are refused.</summary>
    public long? Bytes { get; }

    /// <summary>The size the publisher states, in MiB, when known.</summary>
    public double? PublishedMebibytes { get; }

    /// <summary>Parameter count of the model the weights belong to.</summary>
    public long Parameters { get; }

    /// <summary>Published top-1 accuracy (percent) on the evaluation set.</summary>
    public double? Top1Accuracy { get; }

    /// <summary>Published top-5 accuracy (percent).</summary>
    public double? Top5Accuracy { get; }

    /// <summary>
    /// The preprocessing the weights were trained with: <c>Preprocessing.ToPipeline()</c> is the transform pipeline for
    /// inference, <c>ToTrainingPipeline()</c> the augmented one for fine-tuning; set it on <c>Model.Metadata</c> so it
    /// travels in the model archive.
    /// </summary>
    public ImagePreprocessing Preprocessing { get; }

    /// <summary>The names of the model's outputs, in order (ImageNet's 1000 categories for torchvision's weights).</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>
    /// The zoo model these weights belong to, in its ImageNet configuration: with its classifier for
    /// <paramref name="numClasses"/> (a classifier for other than the published number of classes is left as initialised
    /// by <see cref="Load(Model, PretrainedOptions?, TextWriter?)"/>), or without it (<paramref name="includeTop"/> false,
    /// Keras's <c>include_top</c>) ending in <paramref name="pooling"/>.
    /// </summary>
    public Sequential Definition(int? numClasses = null, bool includeTop = true, ZooPooling pooling = ZooPooling.None)
    {
        if (_definition is null) throw new InvalidOperationException($"Pretrained weights '{Name}' have no model definition; build the model yourself and use Load.");
        return _definition(numClasses ?? (ClassNames.Count > 0 ? ClassNames.Count : 1000), includeTop, pooling);
    }

    // ---------------------------------------------------------------- the registry

    /// <summary>AlexNet, torchvision's <c>AlexNet_Weights.IMAGENET1K_V1</c> (top-1 56.522%).</summary>
    public static PretrainedWeights AlexNet { get; } = Torchvision("alexnet", "AlexNet", "alexnet-owt-7be5be79.pth", "7be5be79", null, 233.087, 61_100_840, 56.522, 79.066,
        (n, top, pool) => ModelZoo.AlexNet(n, variant: ZooVariant.ImageNet, includeTop: top, pooling: pool));

    /// <summary>VGG-16, torchvision's <c>VGG16_Weights.IMAGENET1K_V1</c> (top-1 71.592%).</summary>
    public static PretrainedWeights Vgg16 { get; } = Torchvision("vgg16", "VGG-16", "vgg16-397923af.pth", "397923af", null, 527.796, 138_357_544, 71.592, 90.382,
        (n, top, pool) => ModelZoo.Vgg16(numClasses: n, variant: ZooVariant.ImageNet, includeTop: top, pooling: pool));

    /// <summary>VGG-16 with batch normalisation, torchvision's <c>VGG16_BN_Weights.IMAGENET1K_V1</c> (top-1 73.360%).</summary>
    public static PretrainedWeights Vgg16BatchNorm { get; } = Torchvision("vgg16_bn", "VGG-16-BN", "vgg16_bn-6c64b313.pth", "6c64b313", null, 527.866, 138_365_992, 73.360, 91.516,
        (n, top, pool) => ModelZoo.Vgg16(batchNorm: true, numClasses: n, variant: ZooVariant.ImageNet, includeTop: top, pooling: pool));

    /// <summary>GoogLeNet, torchvision's <c>GoogLeNet_Weights.IMAGENET1K_V1</c> (top-1 69.778%), normalised as explained in the remarks.</summary>
    public static PretrainedWeights GoogLeNet { get; } = Torchvision("googlenet", "GoogLeNet", "googlenet-1378be20.pth", "1378be20", null, 49.731, 6_624_904, 69.778, 89.530,
        (n, top, pool) => ModelZoo.GoogLeNet(n, variant: ZooVariant.ImageNet, includeTop: top, pooling: pool),
        ImagePreprocessing.ImageNet with { Mean = Array.AsReadOnly(new[] { 0.5, 0.5, 0.5 }), Std = Array.AsReadOnly(new[] { 0.5, 0.5, 0.5 }) });

    /// <summary>ResNet-18, torchvision's <c>ResNet18_Weights.IMAGENET1K_V1</c> (top-1 69.758%); full SHA-256 and size known.</summary>
    public static PretrainedWeights ResNet18 { get; } = Torchvision("resnet18", "ResNet-18", "resnet18-f37072fd.pth",
        "f37072fd47e89c5e827621c5baffa7500819f7896bbacec160b1a16c560e07ec", 46_830_571, 44.661, 11_689_512, 69.758, 89.078,
        (n, top, pool) => ModelZoo.ResNet18(n, variant: ZooVariant.ImageNet, includeTop: top, pooling: pool));

    /// <summary>ResNet-34, torchvision's <c>ResNet34_Weights.IMAGENET1K_V1</c> (top-1 73.314%).</summary>
    public static PretrainedWeights ResNet34 { get; } = Torchvision("resnet34", "ResNet-34", "resnet34-b627a593.pth", "b627a593", null, 83.275, 21_797_672, 73.314, 91.420,
        (n, top, pool) => ModelZoo.ResNet34(n, variant: ZooVariant.ImageNet, includeTop: top, pooling: pool));

    /// <summary>ResNet-50, torchvision's <c>ResNet50_Weights.IMAGENET1K_V1</c> (top-1 76.130%); full SHA-256 and size known.</summary>
    public static PretrainedWeights ResNet50 { get; } = Torchvision("resnet50", "ResNet-50", "resnet50-0676ba61.pth",
        "0676ba61b6795bbe1773cffd859882e5e297624d384b6993f7c9e683e722fb8a", 102_530_333, 97.781, 25_557_032, 76.130, 92.862,
        (n, top, pool) => ModelZoo.ResNet50(n, variant: ZooVariant.ImageNet, includeTop: top, pooling: pool));

    /// <summary>Every registered weights file.</summary>
    public static IReadOnlyList<PretrainedWeights> All { get; } = Array.AsReadOnly(new[] { AlexNet, Vgg16, Vgg16BatchNorm, GoogLeNet, ResNet18, ResNet34, ResNet50 });

    /// <summary>The registered weights named <paramref name="name"/> (case-insensitive; also the published file name).</summary>
    /// <exception cref="ArgumentException">No such weights; the message lists the known names.</exception>
    public static PretrainedWeights Get(string name)
    {
        Guard.NotEmpty(name);
        return All.FirstOrDefault(w => string.Equals(w.Name, name, StringComparison.OrdinalIgnoreCase) || string.Equals(w.FileName, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"There are no pretrained weights named '{name}'. Known names: {string.Join(", ", All.Select(w => w.Name))}; or pass the path of a .pth or .safetensors file.", nameof(name));
    }

    // ---------------------------------------------------------------- fetching and loading

    /// <summary>
    /// The path of a verified local copy of the file: found in the <c>KERNELWISE_WEIGHTS</c> folder, the cache or PyTorch's
    /// hub cache (see <see cref="PretrainedOptions"/>), or downloaded into the cache — with a progress bar, checked against
    /// the SHA-256 (and size, when known), written atomically.
    /// </summary>
    /// <exception cref="PretrainedWeightsException">The file could not be fetched (no network, server error, broken transfer,
    /// wrong checksum) or downloading is off and no copy exists; the message names the URL and where to put the file by hand.</exception>
    /// <exception cref="InvalidDataException">A local copy exists but is not the published file.</exception>
    public string Fetch(PretrainedOptions? options = null)
    {
        options ??= new PretrainedOptions();
        string cache = options.CacheFolder;
        var searched = new List<string>();
        foreach (var (folder, origin) in Candidates(options))
        {
            string path = Path.Combine(folder, FileName);
            if (!File.Exists(path))
            {
                searched.Add($"{folder} ({origin})");
                continue;
            }
            Verify(path, origin);
            return path;
        }

        var url = options.BaseUrl is null ? Url : new Uri(WithTrailingSlash(options.BaseUrl), FileName);
        if (!options.Download)
        {
            throw new PretrainedWeightsException(
                $"The pretrained weights '{Name}' ({FileName}) are not on this machine (searched {string.Join("; ", searched)}) and downloading is off (PretrainedOptions.Download = false). {HandHint(url, cache)}",
                url, FileName, cache);
        }
        string destination = Path.Combine(cache, FileName);
        using var downloader = new FileDownloader(options.Timeout, options.HttpClient);
        try
        {
            var progress = options.ShowProgress ? options.Progress ?? new DownloadProgressBar() : null;
            if (progress is not null && options.Progress is null) Console.Error.WriteLine($"Downloading {url} to {destination}");
            downloader.Download(url, destination, Sha256, Bytes, progress);
        }
        catch (Exception e) when (e is DownloadException or InvalidDataException)
        {
            throw new PretrainedWeightsException($"Could not fetch the pretrained weights '{Name}': {e.Message} {HandHint(url, cache)}", url, FileName, cache, e);
        }
        return destination;
    }

    /// <summary>
    /// Loads the weights into <paramref name="model"/> (a zoo model of this architecture, see <see cref="Definition"/>),
    /// fetching them first (<see cref="Fetch"/>). Tensors the model has no place for (a classifier it was built without),
    /// tensors the file lacks (a new head) and tensors of another shape (a classifier for other classes) are left out and
    /// listed in the returned report, which is also written to <paramref name="log"/>.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="options">Where to look and how to download.</param>
    /// <param name="log">Where the report of a partial load goes; standard error when null, <see cref="TextWriter.Null"/> for nowhere.</param>
    public WeightsLoadReport Load(Model model, PretrainedOptions? options = null, TextWriter? log = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Zoo.Torchvision.LoadWeights(model, Fetch(options), strict: false, skipMismatched: true, log: log);
    }

    /// <summary>
    /// Loads weights named <paramref name="weights"/> into <paramref name="model"/>: a registry name (<c>resnet18</c>, see
    /// <see cref="Get"/>) or the path of a torchvision-layout <c>.pth</c>/<c>.pt</c>/<c>.safetensors</c> file. As
    /// <see cref="Load(Model, PretrainedOptions?, TextWriter?)"/>, a partial load is reported, never silent.
    /// </summary>
    public static WeightsLoadReport Load(Model model, string weights, PretrainedOptions? options = null, TextWriter? log = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Guard.NotEmpty(weights);
        if (File.Exists(weights)) return Zoo.Torchvision.LoadWeights(model, weights, strict: false, skipMismatched: true, log: log);
        if (LooksLikePath(weights))
            throw new FileNotFoundException($"Weights file '{weights}' does not exist. Pass an existing .pth, .pt or .safetensors file, or a registry name ({string.Join(", ", All.Select(w => w.Name))}).", weights);
        return Get(weights).Load(model, options, log);
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Name}: {Architecture}, {Url} (SHA-256 {(HasFullSha256 ? Sha256 : Sha256 + "…, prefix only")}{(Bytes is long b ? $", {b} bytes" : "")})");

    private IEnumerable<(string Folder, string Origin)> Candidates(PretrainedOptions options)
    {
        string? folder = options.ReadEnvironment(PretrainedOptions.WeightsEnvironmentVariable);
        if (!string.IsNullOrEmpty(folder)) yield return (folder, PretrainedOptions.WeightsEnvironmentVariable);
        yield return (options.CacheFolder, "cache");
        if (options.SearchTorchHubCache) yield return (options.TorchHubFolder, "PyTorch hub cache");
    }

    private void Verify(string path, string origin)
    {
        long size = new FileInfo(path).Length;
        string actual = FileDownloader.ComputeSha256(path);
        if ((Bytes is long expected && size != expected) || !FileDownloader.Matches(actual, Sha256))
        {
            string hash = HasFullSha256 ? $"SHA-256 {Sha256}" : $"a SHA-256 beginning {Sha256}";
            string sizes = Bytes is long b ? string.Create(CultureInfo.InvariantCulture, $", {b} bytes") : "";
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"The file '{path}' ({origin}) is not the published '{Name}' weights: its SHA-256 is {actual} ({size} bytes); expected {hash}{sizes}, as published at {Url}. Delete it, or replace it with the file downloaded from {Url}."));
        }
    }

    private string HandHint(Uri url, string cache) =>
        $"To install the weights by hand, download {url} by another route and put the file, named '{FileName}', in '{cache}' " +
        $"or in a folder named by the {PretrainedOptions.WeightsEnvironmentVariable} environment variable; or pass the file's path instead of the name '{Name}'.";

    private static bool LooksLikePath(string weights) =>
        weights.Contains(Path.DirectorySeparatorChar) || weights.Contains(Path.AltDirectorySeparatorChar)
        || weights.EndsWith(".pth", StringComparison.OrdinalIgnoreCase) || weights.EndsWith(".pt", StringComparison.OrdinalIgnoreCase)
        || weights.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase);

    private static Uri WithTrailingSlash(Uri url) => url.AbsoluteUri.EndsWith('/') ? url : new Uri(url.AbsoluteUri + "/");

    private static PretrainedWeights Torchvision(string name, string architecture, string file, string sha256, long? bytes, double mebibytes, long parameters,
        double top1, double top5, Func<int, bool, ZooPooling, Sequential> definition, ImagePreprocessing? preprocessing = null)
        => new(name, architecture, new Uri("https://download.pytorch.org/models/" + file), sha256, bytes, preprocessing ?? ImagePreprocessing.ImageNet,
            new LazyClassNames(), definition, parameters, mebibytes, top1, top5);

    private static IReadOnlyList<string> ReadImageNetClasses()
    {
        using var stream = typeof(PretrainedWeights).Assembly.GetManifestResourceStream("Kernelwise.Zoo.imagenet-classes.txt")
            ?? throw new InvalidOperationException("The ImageNet class names resource is missing from the Kernelwise assembly.");
        using var reader = new StreamReader(stream);
        var names = new List<string>(1000);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0) names.Add(line);
        }
        return names.AsReadOnly();
    }

    /// <summary>ImageNet's 1000 category names, read from the assembly on first use.</summary>
    private sealed class LazyClassNames : IReadOnlyList<string>
    {
        public string this[int index] => ImageNetClasses.Value[index];

        public int Count => ImageNetClasses.Value.Count;

        public IEnumerator<string> GetEnumerator() => ImageNetClasses.Value.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
