namespace Kernelwise.Data.Datasets;

/// <summary>
/// Fashion-MNIST (Xiao, Rasul and Vollgraf, 2017): 60,000 training and 10,000 test grayscale 28×28 images of 10 kinds of
/// clothing — Keras's <c>fashion_mnist.load_data()</c>. Inputs are float32 [N, 1, 28, 28] scaled to [0, 1]; targets
/// are int64 class indices.
/// </summary>
/// <remarks>
/// Search order: the <c>path</c> argument; the <c>KERNELWISE_DATA</c> folder (or its <c>fashion-mnist</c> subfolder); the
/// per-user cache (<c>~/.cache/kernelwise/datasets/fashion-mnist</c>); <c>/usr/share/datasets/fashion-mnist</c> (Debian's
/// <c>dataset-fashion-mnist</c> package); otherwise the official files are downloaded into the cache and verified.
/// The checksums are SHA-256 digests of the decompressed IDX content, computed from the files of Debian's package
/// (the official data, recompressed), so they hold for the official .gz files and for recompressed copies alike.
/// </remarks>
public static class FashionMnist
{
    /// <summary>Class names in label order.</summary>
    public static IReadOnlyList<string> ClassNames { get; } = new[]
    {
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    };

    internal static IdxDatasetDefinition Definition { get; } = new(
        "Fashion-MNIST",
        "fashion-mnist",
        "/usr/share/datasets/fashion-mnist",
        new Uri("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"),
        ClassNames,
        new Dictionary<string, DatasetChecksum>
        {
            [IdxDatasetDefinition.TrainImages] = DatasetChecksum.Sha256OfContent("c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
            [IdxDatasetDefinition.TrainLabels] = DatasetChecksum.Sha256OfContent("bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
            [IdxDatasetDefinition.TestImages] = DatasetChecksum.Sha256OfContent("5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
            [IdxDatasetDefinition.TestLabels] = DatasetChecksum.Sha256OfContent("0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"),
        },
        "on Debian/Ubuntu run 'apt-get install dataset-fashion-mnist'; ");

    /// <summary>Loads the training and test sets (see the remarks for where the files are looked for).</summary>
    /// <param name="path">A folder holding the four IDX files (gzip or raw); searched alone when given.</param>
    /// <param name="options">Overrides of the search order and the download (cache folder, mirror, offline).</param>
    public static DatasetSplits Load(string? path = null, DatasetLoadOptions? options = null) => Definition.Load(path, options);
}
