using System.Globalization;
using static TorchSharp.torch;

namespace Kernelwise.Data;

/// <summary>
/// Reads CIFAR-10 in its binary format (the "CIFAR-10 binary version" archive, <c>cifar-10-batches-bin</c>): files
/// <c>data_batch_1.bin</c> … <c>data_batch_5.bin</c> (50,000 training images) and <c>test_batch.bin</c> (10,000 test
/// images), each a sequence of 3,073-byte records — 1 label byte (0–9), then 1,024 red, 1,024 green and 1,024 blue
/// bytes of a 32×32 image, row by row. Inputs become float32 [N, 3, 32, 32] in [0, 1]; targets int64 class indices.
/// </summary>
/// <remarks>
/// For the classic augmentation, attach a transform to the training part: <c>train.WithTransform(new TransformPipeline().RandomCrop(32,
/// padding: 4).RandomHorizontalFlip())</c>.
/// </remarks>
public static class Cifar10Binary
{
    /// <summary>Bytes per record: 1 label + 3 × 32 × 32 pixels.</summary>
    public const int RecordBytes = 1 + ImageBytes;

    private const int ImageBytes = 3 * 32 * 32;

    /// <summary>The training files, in order.</summary>
    public static IReadOnlyList<string> TrainFiles { get; } = Enumerable.Range(1, 5).Select(i => $"data_batch_{i}.bin").ToArray();

    /// <summary>The test file.</summary>
    public const string TestFile = "test_batch.bin";

    /// <summary>The class names in label order (also in the archive's <c>batches.meta.txt</c>).</summary>
    public static IReadOnlyList<string> ClassNames { get; } = new[]
    {
        "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
    };

    /// <summary>
    /// Loads the training and test sets from <paramref name="directory"/> (the extracted <c>cifar-10-batches-bin</c>
    /// folder, or a folder that contains it).
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">Some of the six files are missing (all are named).</exception>
    /// <exception cref="InvalidDataException">A file is empty, not a whole number of records, or holds a label above 9.</exception>
    public static DatasetSplits Load(string directory)
    {
        Guard.NotEmpty(directory);
        var dir = Path.GetFullPath(directory);
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"CIFAR-10 folder '{dir}' does not exist.");
        var nested = Path.Combine(dir, "cifar-10-batches-bin");
        if (!File.Exists(Path.Combine(dir, TestFile)) && Directory.Exists(nested)) dir = nested;
        var expected = TrainFiles.Append(TestFile).ToArray();
        var missing = expected.Where(f => !File.Exists(Path.Combine(dir, f))).ToList();
        if (missing.Count > 0)
        {
            throw new FileNotFoundException(
                $"CIFAR-10 folder '{dir}' lacks {string.Join(", ", missing)} (expected {string.Join(", ", expected)}). " +
                "Download the binary version (cifar-10-binary.tar.gz) from https://www.cs.toronto.edu/~kriz/cifar.html and extract it.",
                Path.Combine(dir, missing[0]));
        }
        var classNames = ReadClassNames(dir) ?? ClassNames;
        var train = ReadFiles(TrainFiles.Select(f => Path.Combine(dir, f)), classNames);
        try
        {
            var test = ReadFiles(new[] { Path.Combine(dir, TestFile) }, classNames);
            return new DatasetSplits(train, test, classNames, dir);
        }
        catch
        {
            train.Dispose();
            throw;
        }
    }

    /// <summary>Reads one or more CIFAR-10 binary files into one dataset, in order.</summary>
    public static TensorDataset ReadFiles(IEnumerable<string> paths, IReadOnlyList<string>? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var files = paths.ToArray();
        if (files.Length == 0) throw new ArgumentException("Invalid value for argument paths. Expected at least one file. Received none.", nameof(paths));
        long records = 0;
        foreach (var f in files) records += CountRecords(f);
        var pixels = new byte[records * ImageBytes];
        var labels = new long[records];
        long r = 0;
        var record = new byte[RecordBytes];
        foreach (var f in files)
        {
            using var stream = new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            long inFile = stream.Length / RecordBytes;
            for (long k = 0; k < inFile; k++, r++)
            {
                stream.ReadExactly(record);
                if (record[0] > 9)
                {
                    throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                        $"CIFAR-10 file '{f}': record {k} (byte {k * RecordBytes}) has label {record[0]}; CIFAR-10 labels are 0 to 9. Is this a CIFAR-10 binary file?"));
                }
                labels[r] = record[0];
                Buffer.BlockCopy(record, 1, pixels, (int)(r * ImageBytes), ImageBytes);
            }
        }
        using var scope = NewDisposeScope();
        var inputs = tensor(pixels, new long[] { records, 3, 32, 32 }).to(ScalarType.Float32).div_(255f);
        var targets = tensor(labels);
        return new TensorDataset(inputs.MoveToOuterDisposeScope(), targets.MoveToOuterDisposeScope(), classNames ?? ClassNames);
    }

    /// <summary>Reads one CIFAR-10 binary file.</summary>
    public static TensorDataset ReadFile(string path) => ReadFiles(new[] { path });

    private static long CountRecords(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists) throw new FileNotFoundException($"CIFAR-10 file '{info.FullName}' does not exist.", info.FullName);
        if (info.Length == 0) throw new InvalidDataException($"CIFAR-10 file '{info.FullName}' is empty (0 bytes); expected records of {RecordBytes} bytes.");
        if (info.Length % RecordBytes != 0)
        {
            string hint = info.Length % (RecordBytes + 1) == 0
                ? " Its size is a whole number of 3,074-byte records: this looks like CIFAR-100 (2 label bytes per record)."
                : $" The file is truncated or not a CIFAR-10 binary file ({info.Length / RecordBytes} whole records and {info.Length % RecordBytes} extra bytes).";
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"CIFAR-10 file '{info.FullName}' has {info.Length:N0} bytes, not a whole number of {RecordBytes:N0}-byte records (1 label byte + 3,072 pixel bytes).{hint}"));
        }
        return info.Length / RecordBytes;
    }

    private static IReadOnlyList<string>? ReadClassNames(string dir)
    {
        var meta = Path.Combine(dir, "batches.meta.txt");
        if (!File.Exists(meta)) return null;
        var names = File.ReadAllLines(meta).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
        return names.Length == 10 ? names : null;
    }
}
