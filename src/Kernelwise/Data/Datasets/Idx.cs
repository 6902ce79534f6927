using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using static TorchSharp.torch;

namespace Kernelwise.Data;

/// <summary>
/// Reads IDX files, the format of MNIST and Fashion-MNIST: a big-endian header (magic number
/// <c>0x000008DD</c> — two zero bytes, type code <c>0x08</c> for unsigned bytes, <c>DD</c> dimensions — then one
/// 32-bit size per dimension, unsigned) followed by the values, row-major. Files may be gzip-compressed; compression is
/// recognised by the gzip magic bytes <c>1f 8b</c>, not by the file name: a file named <c>.gz</c> that is not gzip is
/// read as it is, and when that fails the error says first that the file is not gzip-compressed.
/// </summary>
/// <remarks>
/// Every file is validated before it becomes a tensor: magic number, dimension count, declared sizes against the
/// bytes actually present (truncated or over-long files), and, for pairs, image count against label count. Each
/// problem is an <see cref="InvalidDataException"/> whose message names the file and the values found, e.g.
/// <c>File '/x/train-images-idx3-ubyte.gz' is not an IDX image file: magic number 0x00000802, expected 0x00000803.</c>
/// The values are read into one array and converted to a tensor in one native operation, so the 60,000
/// Fashion-MNIST training images load in a fraction of a second.
/// </remarks>
public static class Idx
{
    /// <summary>Magic number of an IDX label file: unsigned bytes, one dimension (<c>[N]</c>).</summary>
    public const int LabelsMagic = 0x00000801;

    /// <summary>Magic number of an IDX image file: unsigned bytes, three dimensions (<c>[N, rows, columns]</c>).</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>
    /// Reads an IDX image file as float32 <c>[N, 1, rows, columns]</c> (NCHW, one channel) scaled from 0..255 to [0, 1]
    /// — what Keras users get from <c>x_train / 255.0</c>, with a channel axis added.
    /// </summary>
    /// <param name="path">An idx3-ubyte file, gzip-compressed or not.</param>
    /// <returns>A fresh tensor that the caller owns.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid IDX image file; the message says why.</exception>
    public static Tensor ReadImages(string path) => ToImageTensor(ReadImageData(path));

    /// <summary>Reads an IDX label file as int64 <c>[N]</c> class indices (the target type of cross-entropy).</summary>
    /// <param name="path">An idx1-ubyte file, gzip-compressed or not.</param>
    /// <returns>A fresh tensor that the caller owns.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid IDX label file; the message says why.</exception>
    public static Tensor ReadLabels(string path) => ToLabelTensor(ReadLabelData(path));

    /// <summary>
    /// Reads an image file and its label file as one dataset: inputs float32 <c>[N, 1, rows, columns]</c> in [0, 1],
    /// targets int64 <c>[N]</c>.
    /// </summary>
    /// <param name="imagesPath">The idx3-ubyte image file.</param>
    /// <param name="labelsPath">The idx1-ubyte label file.</param>
    /// <param name="classNames">Class names in label order, stored on the dataset.</param>
    /// <returns>A dataset that owns its tensors; dispose it when done.</returns>
    /// <exception cref="InvalidDataException">A file is invalid, or the two files hold different numbers of samples.</exception>
    public static TensorDataset ReadDataset(string imagesPath, string labelsPath, IReadOnlyList<string>? classNames = null)
    {
        var labels = ReadLabelData(labelsPath);
        var images = ReadImageData(imagesPath);
        CheckPair(images, labels);
        return ToDataset(images, labels, classNames);
    }

    internal static IdxData ReadImageData(string path) => Read(path, ImagesMagic);

    internal static IdxData ReadLabelData(string path) => Read(path, LabelsMagic);

    internal static void CheckPair(IdxData images, IdxData labels)
    {
        if (images.Dimensions[0] != labels.Dimensions[0])
        {
            throw new InvalidDataException(Invariant(
                $"Files '{images.Path}' and '{labels.Path}' do not belong together: the image file holds {images.Dimensions[0]} images but the label file holds {labels.Dimensions[0]} labels."));
        }
    }

    internal static TensorDataset ToDataset(IdxData images, IdxData labels, IReadOnlyList<string>? classNames)
    {
        var inputs = ToImageTensor(images);
        try
        {
            return new TensorDataset(inputs, ToLabelTensor(labels), classNames);
        }
        catch
        {
            inputs.Dispose();
            throw;
        }
    }

    internal static Tensor ToImageTensor(IdxData images)
    {
        Platform.KernelwiseRuntime.EnsureNativeLibraries(); // often the first tensor a program creates
        int[] d = images.Dimensions;
        // from_array shares the managed array (no copy); the conversion to float32 makes the one fresh tensor.
        using var raw = from_array(images.Data);
        using var shaped = raw.view(d[0], 1, d[1], d[2]);
        var result = shaped.to(ScalarType.Float32);
        result.div_(255f);
        return result;
    }

    internal static Tensor ToLabelTensor(IdxData labels)
    {
        Platform.KernelwiseRuntime.EnsureNativeLibraries();
        using var raw = from_array(labels.Data);
        return raw.to(ScalarType.Int64);
    }

    internal static IdxData Read(string path, int expectedMagic)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        int rank = expectedMagic & 0xFF;
        string kind = rank == 1 ? "label" : "image";
        if (!File.Exists(path)) throw new FileNotFoundException($"IDX {kind} file '{path}' does not exist.", path);

        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        Span<byte> start = stackalloc byte[4];
        int startLength = file.ReadAtLeast(start, start.Length, throwOnEndOfStream: false);
        bool gzip = startLength >= 2 && start[0] == 0x1f && start[1] == 0x8b;
        file.Position = 0;
        // A file named .gz that is not gzip (a server that decompressed it on the way, an HTML error page saved under
        // the name) is read as it is; if that fails, the error says first that the name promised gzip.
        string? notGzip = !gzip && path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
            ? (startLength == 0
                ? $"File '{path}' is named .gz but is not gzip-compressed: it is empty."
                : $"File '{path}' is named .gz but is not gzip-compressed: it starts with {string.Join(" ", start[..startLength].ToArray().Select(b => b.ToString("X2", CultureInfo.InvariantCulture)))}, not gzip's 1F 8B.")
            : null;
        try
        {
            return ReadContent(path, file, gzip, rank, kind, expectedMagic);
        }
        catch (InvalidDataException e) when (notGzip is not null)
        {
            throw new InvalidDataException(notGzip + " " + e.Message, e);
        }
    }

    private static IdxData ReadContent(string path, FileStream file, bool gzip, int rank, string kind, int expectedMagic)
    {
        using Stream stream = gzip ? new GZipStream(file, CompressionMode.Decompress, leaveOpen: true) : file;
        string content = gzip ? " (after gzip decompression)" : "";

        int headerLength = 4 + 4 * rank;
        Span<byte> header = stackalloc byte[headerLength];
        int got = ReadFully(stream, header, path);
        if (got < 4)
        {
            throw new InvalidDataException(Invariant(
                $"File '{path}' is not an IDX {kind} file: it holds only {got} bytes{content}, too few for the 4-byte magic number 0x{expectedMagic:X8}."));
        }

        int magic = BinaryPrimitives.ReadInt32BigEndian(header);
        if (magic != expectedMagic) throw new InvalidDataException(MagicError(path, kind, magic, expectedMagic));
        if (got < headerLength)
        {
            throw new InvalidDataException(Invariant(
                $"File '{path}' is truncated: its {headerLength}-byte IDX {kind} header ends after {got} bytes{content}."));
        }

        // IDX sizes are unsigned 32-bit numbers: 0xFFFFFFFF is 4,294,967,295, not -1.
        var dims = new int[rank];
        UInt128 product = 1; // three sizes of up to 2^32 − 1 each overflow a long
        for (int i = 0; i < rank; i++)
        {
            uint size = BinaryPrimitives.ReadUInt32BigEndian(header[(4 + 4 * i)..]);
            if (i > 0 && size == 0)
            {
                throw new InvalidDataException(Invariant(
                    $"File '{path}' has an invalid IDX {kind} header: size 0 for dimension {i} ({DimensionName(rank, i)}), expected 1 or more."));
            }
            if (size > Array.MaxLength)
            {
                throw new InvalidDataException(Invariant(
                    $"File '{path}' has an invalid IDX {kind} header: size {size:N0} for dimension {i} ({DimensionName(rank, i)}), more than one array can hold ({Array.MaxLength:N0}); expected {(i == 0 ? "0" : "1")} to {Array.MaxLength:N0}."));
            }
            dims[i] = (int)size;
            product *= size;
        }
        if (product > (UInt128)Array.MaxLength)
        {
            throw new InvalidDataException(Invariant(
                $"File '{path}' declares {Describe(dims)} ({product} bytes), more than one array can hold ({Array.MaxLength} bytes)."));
        }
        int declared = (int)product;

        var data = GC.AllocateUninitializedArray<byte>(declared); // filled completely below, or rejected
        int read = ReadFully(stream, data, path);
        if (read < declared)
        {
            throw new InvalidDataException(Invariant(
                $"File '{path}' is truncated: its header declares {Describe(dims)} ({declared} bytes after the {headerLength}-byte header), but only {read} bytes follow{content}."));
        }

        long extra = CountRemaining(stream, path);
        if (extra > 0)
        {
            throw new InvalidDataException(Invariant(
                $"File '{path}' is longer than its header says: it declares {Describe(dims)} ({declared} bytes after the {headerLength}-byte header), but {extra} more bytes follow{content}."));
        }
        return new IdxData(path, dims, data);
    }

    private static string MagicError(string path, string kind, int magic, int expected)
    {
        string message = Invariant($"File '{path}' is not an IDX {kind} file: magic number 0x{magic:X8}, expected 0x{expected:X8}.");
        int found = magic & 0xFF, wanted = expected & 0xFF;
        if ((magic & ~0xFF) == (expected & ~0xFF))
        {
            string what = wanted == 1 ? "1 dimension (count)" : Invariant($"{wanted} dimensions (count, rows, columns)");
            message += Invariant($" It declares {found} dimension{(found == 1 ? "" : "s")}; an IDX {kind} file has {what}.");
        }
        else if ((magic & ~0xFFFF) == 0 && ((magic >> 8) & 0xFF) != 0x08)
        {
            message += Invariant($" It declares element type 0x{(magic >> 8) & 0xFF:X2}; only unsigned bytes (0x08) are supported.");
        }
        return message;
    }

    private static string DimensionName(int rank, int index) =>
        index == 0 ? (rank == 1 ? "labels" : "images") : index == 1 ? "rows" : "columns";

    private static string Describe(int[] dims) =>
        dims.Length == 1
            ? Invariant($"{dims[0]} label{(dims[0] == 1 ? "" : "s")}")
            : Invariant($"{dims[0]} image{(dims[0] == 1 ? "" : "s")} of {dims[1]}×{dims[2]} pixels");

    private static int ReadFully(Stream stream, Span<byte> buffer, string path)
    {
        try
        {
            return stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"File '{path}' starts like a gzip file but cannot be decompressed: {e.Message}", e);
        }
    }

    private static long CountRemaining(Stream stream, string path)
    {
        Span<byte> buffer = stackalloc byte[4096];
        long total = 0;
        int n;
        while ((n = ReadFully(stream, buffer, path)) > 0) total += n;
        return total;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The validated content of one IDX file: its sizes (e.g. [N, 28, 28]) and its values, row-major.</summary>
internal sealed record IdxData(string Path, int[] Dimensions, byte[] Data);
