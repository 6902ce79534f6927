namespace Kernelwise.Data;

/// <summary>
/// MNIST handwritten digits (LeCun, Cortes, Burges): 70,000 grayscale 28×28 images of the digits 0–9, 60,000 for
/// training and 10,000 for testing — Keras's <c>keras.datasets.mnist.load_data()</c> and torchvision's <c>MNIST</c>.
/// </summary>
/// <remarks>
/// <see cref="Load"/> searches like <see cref="FashionMnist.Load"/> (path argument, <c>$KERNELWISE_DATA/mnist</c> and
/// <c>$KERNELWISE_DATA</c>, the per-user cache + <c>/mnist</c>) — there is no Debian package with the MNIST files — and
/// otherwise downloads the original files from PyTorch's mirror, keeping each only when its SHA-256 matches.
/// </remarks>
public static class Mnist
{
    /// <summary>The download folder: PyTorch's mirror of the original files (yann.lecun.com no longer serves them reliably).</summary>
    public static readonly Uri DefaultBaseUrl = new("https://ossci-datasets.s3.amazonaws.com/mnist/");

    /// <summary>The class names in label order: "0" to "9".</summary>
    public static IReadOnlyList<string> ClassNames { get; } = Array.AsReadOnly(Enumerable.Range(0, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());

    // SHA-256 and sizes of the original MNIST files as published by TensorFlow Datasets' checksum list for its mirror
    // (storage.googleapis.com/cvdf-datasets/mnist) and repeated by many independent projects; the files were not
    // available offline to recompute them. The mirror at DefaultBaseUrl serves the same bytes: torchvision checks both
    // of its mirrors (this one and yann.lecun.com) against one MD5 per file — train-images f68b3c2dcbeaaa9fbdd348bbdeb94873,
    // train-labels d53e105ee54ea40749a09fcbcd1e9432, t10k-images 9fb629c4189551a2d022fa330f9573f3,
    // t10k-labels ec29112dd5afa0611ce80d1b7f02629c.

    /// <summary>The four published files with their SHA-256 and size: train images, train labels, test images, test labels.</summary>
    public static IReadOnlyList<DatasetFile> Files => Definition.Files;

    internal static readonly IdxDatasetDefinition Definition = new(
        DisplayName: "MNIST",
        FolderName: "mnist",
        LoadCall: "Mnist.Load",
        BaseUrl: DefaultBaseUrl,
        TrainImages: new("train-images-idx3-ubyte.gz", "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609", 9_912_422),
        TrainLabels: new("train-labels-idx1-ubyte.gz", "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c", 28_881),
        TestImages: new("t10k-images-idx3-ubyte.gz", "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6", 1_648_877),
        TestLabels: new("t10k-labels-idx1-ubyte.gz", "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6", 4_542),
        Rows: 28,
        Columns: 28,
        ClassNames: ClassNames,
        SystemDirectories: [],
        SystemPackage: null);

    /// <summary>
    /// Loads MNIST: <c>Train</c> 60,000 and <c>Test</c> 10,000 samples, inputs float32 [N, 1, 28, 28] scaled to [0, 1],
    /// targets int64 [N] digits. <c>var (train, test) = Mnist.Load();</c>
    /// </summary>
    /// <param name="path">A folder holding the four files; when given, only this folder is used.</param>
    /// <param name="options">Cache folder, download URL, timeout and the like; defaults when null.</param>
    /// <returns>The splits; the caller owns them and disposes them.</returns>
    /// <exception cref="DatasetNotFoundException">The files are not on this machine and cannot be downloaded; the message lists the ways to provide them.</exception>
    /// <exception cref="InvalidDataException">A file is not valid MNIST data, or a download failed its checksum.</exception>
    public static DatasetSplits Load(string? path = null, DatasetOptions? options = null) =>
        IdxDatasetLoader.Load(Definition, path, options);
}
