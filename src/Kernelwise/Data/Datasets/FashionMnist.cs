namespace Kernelwise.Data;

/// <summary>
/// Fashion-MNIST (Zalando Research): 70,000 grayscale 28×28 images of clothing in 10 classes, 60,000 for training and
/// 10,000 for testing — Keras's <c>keras.datasets.fashion_mnist.load_data()</c> and torchvision's <c>FashionMNIST</c>.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Load"/> looks for the four files (<c>train-images-idx3-ubyte</c>, <c>train-labels-idx1-ubyte</c>,
/// <c>t10k-images-idx3-ubyte</c>, <c>t10k-labels-idx1-ubyte</c>, each gzip-compressed or not) in this order:
/// the <c>path</c> argument; <c>$KERNELWISE_DATA/fashion-mnist</c> and <c>$KERNELWISE_DATA</c>; the per-user cache
/// (<see cref="DatasetOptions.GetDefaultCacheDirectory"/> + <c>/fashion-mnist</c>); <c>/usr/share/datasets/fashion-mnist</c>
/// (Debian's <c>dataset-fashion-mnist</c> package). Otherwise it downloads the official files into the cache and keeps
/// each one only when its SHA-256 matches.
/// </para>
/// <para>
/// Files found on disk are not checksummed (Debian, for one, recompresses them, so their .gz bytes differ from the
/// published ones); they are validated as IDX files instead — header, sizes, 28×28 images and labels 0..9.
/// </para>
/// </remarks>
public static class FashionMnist
{
    /// <summary>The official download folder (an S3 website endpoint, plain HTTP only; the SHA-256 check protects the content).</summary>
    public static readonly Uri DefaultBaseUrl = new("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/");

    /// <summary>Where Debian's <c>dataset-fashion-mnist</c> package installs the files.</summary>
    public const string DebianDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>The class names in label order: T-shirt/top, Trouser, Pullover, Dress, Coat, Sandal, Shirt, Sneaker, Bag, Ankle boot.</summary>
    public static IReadOnlyList<string> ClassNames { get; } = Array.AsReadOnly(new[]
    {
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    });

    // SHA-256 of the files as published at DefaultBaseUrl (sizes in bytes). Checked against the project's own record:
    // the README of github.com/zalandoresearch/fashion-mnist lists their MD5s, and the two label files in that
    // repository (commit b2617bb) have exactly these MD5s and SHA-256s. The image files were rebuilt from the
    // Debian package's copies (same deflate stream, with the original gzip header restored) until their MD5s
    // matched the README's; their SHA-256s then matched the values below, which TensorFlow Datasets also publishes.
    // MD5s (README): train-images 8d4fb7e6c68d591d4c3dfef9ec88bf0d, train-labels 25c81989df183df01b3e8a0aad5dffbe,
    // t10k-images bef4ecab320f06d8554ea6380940ec79, t10k-labels bb300cfdad3c16e7a12a480ee83cd310.

    /// <summary>The four published files with their SHA-256 and size: train images, train labels, test images, test labels.</summary>
    public static IReadOnlyList<DatasetFile> Files => Definition.Files;

    internal static readonly IdxDatasetDefinition Definition = new(
        DisplayName: "Fashion-MNIST",
        FolderName: "fashion-mnist",
        LoadCall: "FashionMnist.Load",
        BaseUrl: DefaultBaseUrl,
        TrainImages: new("train-images-idx3-ubyte.gz", "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84", 26_421_880),
        TrainLabels: new("train-labels-idx1-ubyte.gz", "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845", 29_515),
        TestImages: new("t10k-images-idx3-ubyte.gz", "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073", 4_422_102),
        TestLabels: new("t10k-labels-idx1-ubyte.gz", "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5", 5_148),
        Rows: 28,
        Columns: 28,
        ClassNames: ClassNames,
        SystemDirectories: [DebianDirectory],
        SystemPackage: "dataset-fashion-mnist");

    /// <summary>
    /// Loads Fashion-MNIST: <c>Train</c> 60,000 and <c>Test</c> 10,000 samples, inputs float32 [N, 1, 28, 28] scaled to
    /// [0, 1], targets int64 [N] class indices. <c>var (train, test) = FashionMnist.Load();</c>
    /// </summary>
    /// <param name="path">A folder holding the four files; when given, only this folder is used.</param>
    /// <param name="options">Cache folder, download URL, timeout and the like; defaults when null.</param>
    /// <returns>The splits; the caller owns them and disposes them.</returns>
    /// <exception cref="DatasetNotFoundException">The files are not on this machine and cannot be downloaded; the message lists the ways to provide them.</exception>
    /// <exception cref="InvalidDataException">A file is not valid Fashion-MNIST data, or a download failed its checksum.</exception>
    public static DatasetSplits Load(string? path = null, DatasetOptions? options = null) =>
        IdxDatasetLoader.Load(Definition, path, options);
}
