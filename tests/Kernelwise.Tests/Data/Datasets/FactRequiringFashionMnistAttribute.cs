using Kernelwise.Data;

namespace Kernelwise.Tests.Data.Datasets;

/// <summary>
/// A fact that needs the real Fashion-MNIST files from Debian's <c>dataset-fashion-mnist</c> package; it is reported
/// as skipped, with the reason, on machines without them.
/// </summary>
public sealed class FactRequiringFashionMnistAttribute : FactAttribute
{
    public static readonly string[] FileNames =
    [
        "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz",
    ];

    public FactRequiringFashionMnistAttribute([System.Runtime.CompilerServices.CallerFilePath] string? sourceFilePath = null,
        [System.Runtime.CompilerServices.CallerLineNumber] int sourceLineNumber = -1) : base(sourceFilePath, sourceLineNumber)
    {
        var missing = FileNames.Where(f => !File.Exists(Path.Combine(FashionMnist.DebianDirectory, f))).ToArray();
        if (missing.Length > 0)
        {
            Skip = $"Needs the Fashion-MNIST files in {FashionMnist.DebianDirectory} (missing {string.Join(", ", missing)}); " +
                   "install them with: apt-get install dataset-fashion-mnist";
        }
    }
}
