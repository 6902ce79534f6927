namespace Kernelwise.Data.Datasets;

/// <summary>
/// MNIST handwritten digits (LeCun et al.): 60,000 training and 10,000 test grayscale 28×28 images — Keras's
/// <c>mnist.load_data()</c>. Same tensors and search order as <see cref="FashionMnist"/> (folder name <c>mnist</c>; no
/// system package).
/// </summary>
/// <remarks>
/// Downloads come from the mirror torchvision uses; they are verified against the MD5 digests published with the
/// official files (the only digests published for MNIST; no SHA-256 of the originals could be verified here).
/// </remarks>
public static class Mnist
{
    /// <summary>Class names in label order: the digits "0" to "9".</summary>
    public static IReadOnlyList<string> ClassNames { get; } = Enumerable.Range(0, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    internal static IdxDatasetDefinition Definition { get; } = new(
        "MNIST",
        "mnist",
        null,
        new Uri("https://ossci-datasets.s3.amazonaws.com/mnist/"),
        ClassNames,
        new Dictionary<string, DatasetChecksum>
        {
            [IdxDatasetDefinition.TrainImages] = DatasetChecksum.Md5OfFile("f68b3c2dcbeaaa9fbdd348bbdeb94873"),
            [IdxDatasetDefinition.TrainLabels] = DatasetChecksum.Md5OfFile("d53e105ee54ea40749a09fcbcd1e9432"),
            [IdxDatasetDefinition.TestImages] = DatasetChecksum.Md5OfFile("9fb629c4189551a2d022fa330f9573f3"),
            [IdxDatasetDefinition.TestLabels] = DatasetChecksum.Md5OfFile("ec29112dd5afa0611ce80d1b7f02629c"),
        },
        "");

    /// <summary>Loads the training and test sets.</summary>
    /// <param name="path">A folder holding the four IDX files (gzip or raw); searched alone when given.</param>
    /// <param name="options">Overrides of the search order and the download.</param>
    public static DatasetSplits Load(string? path = null, DatasetLoadOptions? options = null) => Definition.Load(path, options);
}
