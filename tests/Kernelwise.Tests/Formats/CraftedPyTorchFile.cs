using System.IO.Compression;
using System.Text;

namespace Kernelwise.Tests.Formats;

/// <summary>A tensor as a crafted pickle declares it: its key, its storage and its layout.</summary>
public sealed record TensorSpec(string Key, string StorageKey, long[] Shape, long[] Stride, long StorageElements, long Offset = 0, string StorageType = "FloatStorage")
{
    /// <summary>A contiguous float tensor of <paramref name="shape"/> over a storage of exactly its elements.</summary>
    public static TensorSpec Contiguous(string key, string storageKey, params long[] shape)
    {
        var stride = new long[shape.Length];
        long s = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            stride[i] = s;
            s *= shape[i];
        }
        return new TensorSpec(key, storageKey, shape, stride, s);
    }
}

/// <summary>
/// Writes pickle bytes opcode by opcode, the way CPython's pickler does for protocol 2 (what <c>torch.save</c> uses):
/// ints as BININT1/BININT2/BININT or LONG1, strings as BINUNICODE, every object memoized with BINPUT.
/// </summary>
internal sealed class PickleWriter
{
    private readonly MemoryStream _bytes = new();
    private int _memo;

    public PickleWriter Op(params byte[] bytes)
    {
        _bytes.Write(bytes);
        return this;
    }

    public PickleWriter Op(char opcode) => Op((byte)opcode);

    public PickleWriter Proto(int version) => Op(0x80, (byte)version);

    public PickleWriter Mark() => Op('(');

    public PickleWriter Str(string s)
    {
        var utf8 = Encoding.UTF8.GetBytes(s);
        return Op('X').Op(BitConverter.GetBytes(utf8.Length)).Op(utf8).Put();
    }

    public PickleWriter Int(long v)
    {
        if (v is >= 0 and < 256) return Op((byte)'K', (byte)v);
        if (v is >= 0 and < 65536) return Op((byte)'M', (byte)v, (byte)(v >> 8));
        if (v is >= int.MinValue and <= int.MaxValue) return Op('J').Op(BitConverter.GetBytes((int)v));
        return Op(0x8a, 8).Op(BitConverter.GetBytes(v)); // LONG1, 8 bytes little-endian two's complement
    }

    public PickleWriter Global(string module, string name) => Op('c').Op(Encoding.ASCII.GetBytes($"{module}\n{name}\n")).Put();

    public PickleWriter Put() => _memo < 256 ? Op((byte)'q', (byte)_memo++) : Op('r').Op(BitConverter.GetBytes(_memo++));

    /// <summary>The memo slot the next <see cref="Put"/> will use.</summary>
    public int NextMemo => _memo;

    public PickleWriter Get(int slot) => Op((byte)'h', (byte)slot);

    public PickleWriter Ints(long[] values)
    {
        if (values.Length == 0) return Op(')').Put();
        if (values.Length <= 3)
        {
            foreach (long v in values) Int(v);
            return Op((byte)(0x84 + values.Length)).Put(); // TUPLE1..3
        }
        Mark();
        foreach (long v in values) Int(v);
        return Op('t').Put();
    }

    public PickleWriter Stop() => Op('.');

    public byte[] ToArray() => _bytes.ToArray();

    /// <summary>Pickle bytes from pieces: ints and chars are opcodes or raw bytes, strings are Latin-1 text.</summary>
    public static byte[] Raw(params object[] parts)
        => parts.SelectMany(p => p is string s ? Encoding.Latin1.GetBytes(s) : p is byte[] b ? b : new[] { Convert.ToByte(p) }).ToArray();

    /// <summary>
    /// The pickle <c>torch.save(state_dict)</c> writes (protocol 2): an <c>OrderedDict</c> built by REDUCE, its
    /// items by SETITEMS, each tensor a <c>_rebuild_tensor_v2</c> call over a persistent-id storage, then the
    /// dict's <c>_metadata</c> attribute by BUILD.
    /// </summary>
    public static byte[] StateDict(IEnumerable<TensorSpec> tensors, bool metadata = true)
    {
        var w = new PickleWriter().Proto(2);
        w.Global("collections", "OrderedDict");
        int orderedDict = 0;
        w.Op(')').Put().Op('R').Put().Mark();
        foreach (var t in tensors)
        {
            w.Str(t.Key);
            w.Global("torch._utils", "_rebuild_tensor_v2").Mark();
            w.Mark().Str("storage").Global("torch", t.StorageType).Str(t.StorageKey).Str("cpu").Int(t.StorageElements).Op('t').Put().Op('Q');
            w.Int(t.Offset).Ints(t.Shape).Ints(t.Stride).Op(0x89);
            w.Get(orderedDict).Op(')').Put().Op('R').Put();
            w.Op('t').Put().Op('R').Put();
        }
        w.Op('u');
        if (metadata)
        {
            // {'_metadata': OrderedDict({'': {'version': 1}})}
            w.Op('}').Put().Str("_metadata").Get(orderedDict).Op(')').Put().Op('R').Put();
            w.Str("").Op('}').Put().Str("version").Int(1).Op('s').Op('s');
            w.Op('s').Op('b');
        }
        return w.Stop().ToArray();
    }
}

/// <summary>Zip files laid out by hand: entries in the order given, stored (as torch.save writes them) or deflated.</summary>
internal static class CraftedZip
{
    public static string Write(string path, params (string Name, byte[] Data)[] entries) => Write(path, CompressionLevel.NoCompression, entries);

    public static string Write(string path, CompressionLevel level, params (string Name, byte[] Data)[] entries)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (name, data) in entries)
        {
            using var s = zip.CreateEntry(name, level).Open();
            s.Write(data);
        }
        return path;
    }

    /// <summary>Float storage bytes 0, 1, 2, … (little-endian float32).</summary>
    public static byte[] Floats(long count)
        => Enumerable.Range(0, (int)count).SelectMany(i => BitConverter.GetBytes((float)i)).ToArray();

    /// <summary>
    /// Rewrites the uncompressed size that the central directory (and the local header) record for <paramref name="entry"/>:
    /// a zip that declares more than it holds.
    /// </summary>
    public static void DeclareSize(string path, string entry, uint size)
    {
        var bytes = File.ReadAllBytes(path);
        var name = Encoding.UTF8.GetBytes(entry);
        int patched = 0;
        for (int i = 0; i + 46 < bytes.Length; i++)
        {
            uint signature = BitConverter.ToUInt32(bytes, i);
            if (signature == 0x02014b50 && bytes.AsSpan(i + 46, Math.Min(name.Length, bytes.Length - i - 46)).SequenceEqual(name))
            {
                BitConverter.TryWriteBytes(bytes.AsSpan(i + 24), size);
                patched++;
            }
            else if (signature == 0x04034b50 && bytes.AsSpan(i + 30, Math.Min(name.Length, bytes.Length - i - 30)).SequenceEqual(name))
            {
                BitConverter.TryWriteBytes(bytes.AsSpan(i + 22), size);
                patched++;
            }
        }
        if (patched != 2) throw new InvalidOperationException($"Expected one local header and one central directory record for '{entry}'; patched {patched}.");
        File.WriteAllBytes(path, bytes);
    }
}
