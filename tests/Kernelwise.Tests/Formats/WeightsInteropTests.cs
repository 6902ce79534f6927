using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Kernelwise.Formats;
using Kernelwise.Layers;
using Kernelwise.Models;
using static Kernelwise.Tests.TrainingHelpers;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Formats;

/// <summary>Weights in safetensors and PyTorch state-dict files: round trips, format details, and refusals.</summary>
public sealed class WeightsInteropTests : IDisposable
{
    private readonly string _dir = TempDir("kw-weights-");

    public void Dispose() => Directory.Delete(_dir, true);

    private static Model Built(Sequential net, int seed)
    {
        manual_seed(seed);
        return net.Build(ComputeDevice.Cpu);
    }

    [Theory]
    [InlineData("w.safetensors")]
    [InlineData("w.pt")]
    [InlineData("w.bin")]
    public void Should_RestoreEveryTensorExactly_When_SavedAndLoaded(string name)
    {
        string path = Path.Combine(_dir, name);
        using var source = Built(NoisyNet(), 1);
        using (var data = SyntheticData.Blocks(16)) source.Predict(data); // non-trivial state: keep batch-norm buffers as built
        source.SaveWeights(path);
        using var target = Built(NoisyNet(), 2);
        target.LoadWeights(path);
        using var a = Weights(source);
        using var b = Weights(target);
        Assert.True(BitIdentical(a, b));
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp"));
    }

    [Fact]
    public void Should_WriteTheSafetensorsLayout_When_Saving()
    {
        string path = Path.Combine(_dir, "w.safetensors");
        using var model = Built(PlainNet(), 3);
        model.SaveWeights(path);
        var bytes = File.ReadAllBytes(path);
        long headerLength = BitConverter.ToInt64(bytes, 0);
        Assert.Equal(0, headerLength % 8);
        using var header = JsonDocument.Parse(Encoding.UTF8.GetString(bytes, 8, (int)headerLength));
        var weight = header.RootElement.GetProperty("conv2d.weight");
        Assert.Equal("F32", weight.GetProperty("dtype").GetString());
        Assert.Equal(new long[] { 4, 1, 3, 3 }, weight.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal("plain", header.RootElement.GetProperty("__metadata__").GetProperty("model").GetString());
        long end = header.RootElement.EnumerateObject().Where(p => p.Name != "__metadata__").Max(p => p.Value.GetProperty("data_offsets")[1].GetInt64());
        Assert.Equal(bytes.Length, 8 + headerLength + end);
    }

    [Fact]
    public void Should_ReadAFileWrittenByAnotherTool_When_LoadingSafetensors()
    {
        // Written by hand per the specification: keys in another order, no padding, an F64 tensor (converted on load).
        using var model = Built(PlainNet(), 4);
        var state = model.Network.state_dict();
        var entries = state.Reverse().ToList();
        var header = new Dictionary<string, object>();
        var data = new MemoryStream();
        foreach (var (name, t) in entries)
        {
            using var d = t.detach().to_type(ScalarType.Float64).add(1.0).contiguous();
            long begin = data.Length;
            data.Write(d.bytes);
            header[name] = new { dtype = "F64", shape = t.shape, data_offsets = new[] { begin, data.Length } };
        }
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(header);
        string path = Path.Combine(_dir, "other.safetensors");
        using (var f = File.Create(path))
        {
            f.Write(BitConverter.GetBytes((ulong)json.Length));
            f.Write(json);
            data.Position = 0;
            data.CopyTo(f);
        }
        using var expected = Weights(model) + 1.0;
        model.LoadWeights(path);
        using var actual = Weights(model);
        Assert.True(actual.allclose(expected, rtol: 1e-6, atol: 1e-6));
    }

    [Fact]
    public void Should_NameTheFileAndTensor_When_SafetensorsIsTruncated()
    {
        string path = Path.Combine(_dir, "w.safetensors");
        using var model = Built(PlainNet(), 5);
        model.SaveWeights(path);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes.Take(bytes.Length - 10).ToArray());
        using var before = Weights(model);
        var e = Assert.Throws<CheckpointException>(() => model.LoadWeights(path));
        Assert.StartsWith($"'{path}' is not a valid safetensors file: tensor '", e.Message);
        Assert.Contains("(truncated?)", e.Message);
        using var after = Weights(model);
        Assert.True(BitIdentical(before, after));
    }

    [Fact]
    public void Should_ListMissingUnexpectedAndMisShaped_When_TheFileIsFromAnotherModel()
    {
        string path = Path.Combine(_dir, "noisy.pt");
        using (var noisy = Built(NoisyNet(), 6)) noisy.SaveWeights(path);
        using var plain = Built(new Sequential(new Kernelwise.Shape(1, 12, 12), "plain").Conv2D(8, 3).Flatten().Dense(4, name: "head"), 7);
        var e = Assert.Throws<CheckpointException>(() => plain.LoadWeights(path));
        Assert.StartsWith($"Could not load weights from '{path}' into model 'plain': 2 missing (head.weight, head.bias); 9 unexpected (", e.Message);
        Assert.DoesNotContain("conv2d.weight", e.Message); // same name and shape [8, 1, 3, 3]: fine
    }

    [Fact]
    public void Should_LoadMatchingTensorsOnly_When_NotStrict()
    {
        string path = Path.Combine(_dir, "backbone.safetensors");
        var backbone = new Sequential(new Kernelwise.Shape(1, 12, 12), "backbone").Conv2D(4, 3, name: "stem");
        using (var b = Built(backbone, 8)) b.SaveWeights(path);
        using var full = Built(new Sequential(new Kernelwise.Shape(1, 12, 12), "full").Conv2D(4, 3, name: "stem").Flatten().Dense(3), 9);
        Assert.Throws<CheckpointException>(() => full.LoadWeights(path));
        full.LoadWeights(path, strict: false);
        using var reference = Built(backbone, 8);
        var stem = full.Network.named_children().First(c => c.name == "stem").module.state_dict();
        var expected = reference.Network.state_dict();
        Assert.True(stem["weight"].equal(expected["stem.weight"]).all().item<bool>());
    }

    private static string ZipWithPickle(string dir, string name, byte[] pickle)
    {
        string path = Path.Combine(dir, name);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        using (var s = zip.CreateEntry("archive/data.pkl").Open()) s.Write(pickle);
        using (var s = zip.CreateEntry("archive/version").Open()) s.Write("3\n"u8);
        return path;
    }

    /// <summary>Pickle bytes from pieces: ints are opcodes or raw bytes, strings are Latin-1 text.</summary>
    private static byte[] Pickle(params object[] parts)
        => parts.SelectMany(p => p is string s ? Encoding.Latin1.GetBytes(s) : new[] { Convert.ToByte(p) }).ToArray();

    public static IEnumerable<object[]> MaliciousPickles() => new List<object[]>
    {
        // Protocol 2, as torch.save writes: GLOBAL 'posix system', BINPUT, the argument ('id',), TUPLE1, REDUCE, STOP.
        new object[] { "global.pt", Pickle(0x80, 2, "cposix\nsystem\n", 'q', 0, 'X', 2, 0, 0, 0, "id", 'q', 1, 0x85, 'R', '.'), "posix.system" },
        // Protocol 4: STACK_GLOBAL with memoized operand strings.
        new object[] { "stack.pt", Pickle(0x80, 4, 0x8c, 8, "builtins", 0x94, 0x8c, 4, "eval", 0x94, 0x93, 0x94, 0x8c, 3, "1+1", 0x85, 'R', '.'), "builtins.eval" },
    };

    [Theory]
    [MemberData(nameof(MaliciousPickles))]
    public void Should_RefuseWithoutUnpickling_When_APyTorchFileNamesAnyOtherGlobal(string name, byte[] pickle, string global)
    {
        string path = ZipWithPickle(_dir, name, pickle);
        using var model = Built(PlainNet(), 10);
        var e = Assert.Throws<CheckpointException>(() => model.LoadWeights(path));
        Assert.StartsWith($"Refusing to load '{path}': it refers to the Python global '{global}', which a tensor state dict never needs;", e.Message);
    }

    [Fact]
    public void Should_Refuse_When_StackGlobalOperandsAreComputed()
    {
        // STACK_GLOBAL whose operands are not two literal strings pushed just before.
        var pickle = Pickle(0x80, 4, 0x8c, 5, "posix", 0x94, 'K', 1, 0x93, '.');
        string path = ZipWithPickle(_dir, "computed.pt", pickle);
        using var model = Built(PlainNet(), 11);
        var e = Assert.Throws<CheckpointException>(() => model.LoadWeights(path));
        Assert.Contains("STACK_GLOBAL without literal operands", e.Message);
    }

    [Fact]
    public void Should_ExplainTheLegacyFormat_When_AFileIsNotAZip()
    {
        string path = Path.Combine(_dir, "legacy.pt");
        File.WriteAllBytes(path, new byte[] { 0x80, 0x02, 0x8a, 0x0a });
        using var model = Built(PlainNet(), 12);
        var e = Assert.Throws<CheckpointException>(() => model.LoadWeights(path));
        Assert.StartsWith($"'{path}' is not a PyTorch zip file", e.Message);
    }
}
