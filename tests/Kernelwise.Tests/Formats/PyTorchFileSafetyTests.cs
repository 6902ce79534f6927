using System.IO.Compression;
using Kernelwise.Formats;
using Kernelwise.Models;
using TorchSharp;
using static Kernelwise.Tests.TrainingHelpers;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Formats;

/// <summary>
/// PyTorch files crafted to mislead the reader: the pickle that is scanned must be the one that is read, and no
/// declared tensor may make the reader allocate more than its storage entry and the file can hold.
/// </summary>
public sealed class PyTorchFileSafetyTests : IDisposable
{
    private readonly string _dir = TempDir("kw-pickle-");

    public void Dispose() => Directory.Delete(_dir, true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    /// <summary>A pickle that would call os.system in Python.</summary>
    private static readonly byte[] Malicious = PickleWriter.Raw(0x80, 2, "cposix\nsystem\n", 'q', 0, 'X', 2, 0, 0, 0, "id", 'q', 1, 0x85, 'R', '.');

    /// <summary>One 2×3 float tensor 'w' over storage '0' holding 0, 1, …, 5.</summary>
    private static byte[] Benign() => PickleWriter.StateDict(new[] { TensorSpec.Contiguous("w", "0", 2, 3) });

    /// <summary>Reads a file expecting refusal; asserts no tensor was created on the way (the reader never ran).</summary>
    private static CheckpointException Refused(string path)
    {
        var before = DisposeScopeManager.Statistics.CreatedOutsideScopeCount + DisposeScopeManager.Statistics.CreatedInScopeCount;
        var e = Assert.Throws<CheckpointException>(() => PyTorchWeights.Read(path));
        var after = DisposeScopeManager.Statistics.CreatedOutsideScopeCount + DisposeScopeManager.Statistics.CreatedInScopeCount;
        Assert.Equal(before, after);
        Assert.Equal(path, e.FilePath);
        return e;
    }

    private string OneTensorFile(string name, TensorSpec spec, long storageBytes)
        => CraftedZip.Write(PathOf(name),
            ("archive/data.pkl", PickleWriter.StateDict(new[] { spec })),
            ("archive/data/0", new byte[storageBytes]),
            ("archive/version", "3\n"u8.ToArray()));

    [Fact]
    public void Should_LoadEveryTensor_When_TheFileIsLaidOutAsTorchSaveWritesIt()
    {
        // The model's own tensors, written the way torch.save writes a state dict: stored entries under archive/,
        // an OrderedDict with _metadata, a version and byte-order entry.
        manual_seed(20);
        using var source = PlainNet().Build(ComputeDevice.Cpu);
        var state = source.Network.state_dict().ToList();
        var specs = state.Select((p, i) => TensorSpec.Contiguous(p.Key, i.ToString(System.Globalization.CultureInfo.InvariantCulture), p.Value.shape)).ToList();
        var entries = new List<(string, byte[])> { ("archive/data.pkl", PickleWriter.StateDict(specs)), ("archive/byteorder", "little"u8.ToArray()) };
        entries.AddRange(state.Select((p, i) => ($"archive/data/{i}", p.Value.detach().contiguous().bytes.ToArray())));
        entries.Add(("archive/version", "3\n"u8.ToArray()));
        entries.Add(("archive/.data/serialization_id", "1234567890"u8.ToArray()));
        string path = CraftedZip.Write(PathOf("torch-save.pt"), entries.ToArray());

        manual_seed(21);
        using var target = PlainNet().Build(ComputeDevice.Cpu);
        target.LoadWeights(path);
        using var a = Weights(source);
        using var b = Weights(target);
        Assert.True(BitIdentical(a, b));
    }

    [Theory]
    [InlineData("archive/xdata.pkl")]
    [InlineData("other/data.pkl")]
    public void Should_Refuse_When_AnotherEntryEndingInDataPklComesBeforeTheBenignOne(string maliciousEntry)
    {
        // The reader unpickles the first entry whose name ends with data.pkl; a scan of archive/data.pkl alone would pass.
        string path = CraftedZip.Write(PathOf("two.pt"),
            (maliciousEntry, Malicious),
            ("archive/data.pkl", Benign()),
            ("archive/data/0", CraftedZip.Floats(6)));
        var e = Refused(path);
        Assert.Equal($"Refusing to load '{path}': it holds 2 entries whose names end with 'data.pkl' ('{maliciousEntry}', 'archive/data.pkl'); a file written by torch.save holds exactly one, and the reader would unpickle only the first.", e.Message);
    }

    [Fact]
    public void Should_ScanTheEntryTheReaderReads_When_ItIsNotNamedExactlyDataPkl()
    {
        string malicious = CraftedZip.Write(PathOf("x.pt"), ("archive/xdata.pkl", Malicious), ("archive/data/0", CraftedZip.Floats(6)));
        var e = Refused(malicious);
        Assert.StartsWith($"Refusing to load '{malicious}': it refers to the Python global 'posix.system', which a tensor state dict never needs;", e.Message);
        Assert.Contains("(entry 'archive/xdata.pkl', byte 2)", e.Message);

        // The same name with a benign pickle is read — scanned and read alike.
        string benign = CraftedZip.Write(PathOf("y.pt"), ("archive/xdata.pkl", Benign()), ("archive/data/0", CraftedZip.Floats(6)));
        var tensors = PyTorchWeights.Read(benign);
        using var w = tensors["w"];
        Assert.Equal(new long[] { 2, 3 }, w.shape);
        Assert.Equal(new float[] { 0, 1, 2, 3, 4, 5 }, w.data<float>().ToArray());
    }

    public static TheoryData<string, TensorSpec, long, string> HugeDeclarations() => new()
    {
        // 2^40 elements as [2^20, 2^20] over a storage of 6: torch.empty would ask for 4 TiB.
        { "shape.pt", new TensorSpec("w", "0", new long[] { 1 << 20, 1 << 20 }, new long[] { 1 << 20, 1 }, 6), 24,
            "tensor 'w' declares shape [1048576, 1048576] (1,099,511,627,776 elements), but its storage '0' declares 6 elements of 4 bytes" },
        // The same with zero strides: a broadcast view whose extent fits the storage, but the reader allocates the shape.
        { "broadcast.pt", new TensorSpec("w", "0", new long[] { 1 << 20, 1 << 20 }, new long[] { 0, 0 }, 1), 4,
            "tensor 'w' declares shape [1048576, 1048576] (1,099,511,627,776 elements), but its storage '0' declares 1 elements of 4 bytes" },
        // One dimension of 2^40 (a LONG1 in the pickle): beyond what the reader's int sizes hold.
        { "long.pt", new TensorSpec("w", "0", new long[] { 1L << 40 }, new long[] { 1 }, 6), 24,
            "tensor 'w' declares shape [1099511627776]: dimension 0 is 1099511627776; expected 0 to 2,147,483,647" },
        // The storage itself declares 2^40 elements over a 24-byte entry.
        { "storage.pt", new TensorSpec("w", "0", new long[] { 1 << 20, 1 << 20 }, new long[] { 1 << 20, 1 }, 1L << 40), 24,
            "tensor 'w' declares a storage of 1,099,511,627,776 elements of 4 bytes (4,398,046,511,104 bytes, torch.FloatStorage), but its entry 'archive/data/0' holds 24 bytes." },
    };

    [Theory]
    [MemberData(nameof(HugeDeclarations))]
    public void Should_RefuseBeforeAllocating_When_ATensorDeclaresMoreThanItsStorageHolds(string name, TensorSpec spec, long storageBytes, string expected)
    {
        string path = OneTensorFile(name, spec, storageBytes);
        var e = Refused(path);
        Assert.Contains(expected, e.Message);
        Assert.StartsWith($"Refusing to load '{path}': ", e.Message);
    }

    public static TheoryData<string, TensorSpec, string> NegativeDeclarations() => new()
    {
        { "stride.pt", new TensorSpec("w", "0", new long[] { 3 }, new long[] { -1 }, 6, Offset: 5), "tensor 'w' declares strides [-1]: stride 0 is -1; expected 0 to 2,147,483,647 (entry 'archive/data.pkl', byte " },
        { "offset.pt", new TensorSpec("w", "0", new long[] { 3 }, new long[] { 1 }, 6, Offset: -2), "tensor 'w' declares storage offset -2; expected 0 to 2,147,483,647 (entry 'archive/data.pkl', byte " },
        { "size.pt", new TensorSpec("w", "0", new long[] { 2, -3 }, new long[] { 1, 1 }, 6), "tensor 'w' declares shape [2, -3]: dimension 1 is -3; expected 0 to 2,147,483,647 (entry 'archive/data.pkl', byte " },
        { "elements.pt", new TensorSpec("w", "0", new long[] { 3 }, new long[] { 1 }, -6), "its persistent id declares the int -6 as the element count of storage '0'; expected an int from 0 to " },
    };

    [Theory]
    [MemberData(nameof(NegativeDeclarations))]
    public void Should_NameTheValue_When_AShapeStrideOffsetOrStorageIsNegative(string name, TensorSpec spec, string expected)
    {
        var e = Refused(OneTensorFile(name, spec, 24));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Should_ExplainWhatCannotBeRead_When_ATensorIsAViewIntoItsStorage()
    {
        // Layouts torch.save can write but the reader fills wrongly or not at all: an offset, transposed strides.
        var offset = Refused(OneTensorFile("view.pt", new TensorSpec("w", "0", new long[] { 4 }, new long[] { 1 }, 6, Offset: 2), 24));
        Assert.Contains("tensor 'w' starts at element 2 of its storage '0' (a view into a shared storage); Kernelwise reads each tensor from the start of its storage.", offset.Message);
        var transposed = Refused(OneTensorFile("t.pt", new TensorSpec("w", "0", new long[] { 3, 2 }, new long[] { 1, 3 }, 6), 24));
        Assert.Contains("tensor 'w' declares strides [1, 3] for shape [3, 2], which is not contiguous (stride 1 is 3, expected 1)", transposed.Message);
    }

    [Fact]
    public void Should_NameTheStorage_When_ItsEntryIsMissingAmbiguousOrOfAnotherSize()
    {
        var spec = TensorSpec.Contiguous("w", "7", 2, 3);
        string missing = CraftedZip.Write(PathOf("missing.pt"), ("archive/data.pkl", PickleWriter.StateDict(new[] { spec })), ("archive/data/0", CraftedZip.Floats(6)));
        Assert.Equal($"Refusing to load '{missing}': tensor 'w' is stored in 'data/7', but the file has no entry of that name.", Refused(missing).Message);

        string twice = CraftedZip.Write(PathOf("twice.pt"),
            ("archive/data.pkl", PickleWriter.StateDict(new[] { spec })), ("evil/data/7", CraftedZip.Floats(6)), ("archive/data/7", CraftedZip.Floats(6)));
        Assert.Equal($"Refusing to load '{twice}': tensor 'w' is stored in 'data/7', and 2 entries end with that name ('evil/data/7', 'archive/data/7'); the reader would read only the first.", Refused(twice).Message);

        string shorter = CraftedZip.Write(PathOf("short.pt"), ("archive/data.pkl", PickleWriter.StateDict(new[] { spec })), ("archive/data/7", CraftedZip.Floats(5)));
        Assert.Equal($"Refusing to load '{shorter}': tensor 'w' declares a storage of 6 elements of 4 bytes (24 bytes, torch.FloatStorage), but its entry 'archive/data/7' holds 20 bytes.", Refused(shorter).Message);
    }

    [Fact]
    public void Should_BoundTheDeclaredSizeByTheFile_When_AZipEntryClaimsMoreThanDeflateCanHold()
    {
        // A storage of 2^28 floats (1 GiB) whose deflated entry of a few bytes claims 1 GiB uncompressed.
        var spec = TensorSpec.Contiguous("w", "0", 1 << 28);
        string path = CraftedZip.Write(PathOf("bomb.pt"), CompressionLevel.Optimal,
            ("archive/data.pkl", PickleWriter.StateDict(new[] { spec })), ("archive/data/0", new byte[64]));
        CraftedZip.DeclareSize(path, "archive/data/0", 1u << 30);
        var e = Refused(path);
        Assert.Contains("its entry 'archive/data/0' (the storage of tensor 'w') declares 1,073,741,824 bytes from ", e.Message);
        Assert.Contains("a zip entry cannot hold more than 1032 times its compressed size, nor lie outside the file.", e.Message);
    }

    public static TheoryData<string, byte[], string> MalformedPickles() => new()
    {
        { "not-a-tensor.pt", PickleWriter.Raw(0x80, 2, '}', 'X', 1, 0, 0, 0, "w", 'K', 7, 's', '.'), "it holds an entry 'w' that is not a tensor but the int 7;" },
        { "list.pt", PickleWriter.Raw(0x80, 2, ']', '.'), "it holds an empty list, not a dict of tensors" },
        { "unknown-opcode.pt", PickleWriter.Raw(0x80, 2, '}', 0x8e, 0, 0, 0, 0, 0, 0, 0, 0, '.'), "it contains the pickle opcode BINBYTES8 (0x8e), which torch.save does not write for a state dict (entry 'archive/data.pkl', byte 3)" },
        { "truncated.pt", PickleWriter.Raw(0x80, 2, '}', 'X', 200, 0, 0, 0, "w"), "its pickle data is truncated (entry 'archive/data.pkl', byte 3)" },
        { "no-stop.pt", PickleWriter.Raw(0x80, 2, '}'), "its pickle data ends without a STOP opcode (truncated?)" },
        { "underflow.pt", PickleWriter.Raw(0x80, 2, '}', '(', 's', '.'), "SETITEM ('s') takes a value from an empty stack (above the last MARK)" },
        { "newobj.pt", PickleWriter.Raw(0x80, 2, "ccollections\nOrderedDict\n", ')', 0x81, '.'), "it creates a Python object with NEWOBJ (0x81), which a tensor state dict never needs" },
        { "parameter.pt", PickleWriter.Raw(0x80, 2, "ctorch._utils\n_rebuild_parameter\n", ')', 'R', '.'), "it holds torch.nn.Parameter objects — a whole model, or a state dict saved with keep_vars=True" },
    };

    [Theory]
    [MemberData(nameof(MalformedPickles))]
    public void Should_RefuseAnythingButAStateDictOfTensors_When_ThePickleIsMalformed(string name, byte[] pickle, string expected)
    {
        string path = CraftedZip.Write(PathOf(name), ("archive/data.pkl", pickle), ("archive/data/0", CraftedZip.Floats(6)));
        var e = Refused(path);
        Assert.Contains(expected, e.Message);
    }
}
