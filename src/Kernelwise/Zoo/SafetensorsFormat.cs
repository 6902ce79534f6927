using System.Text;
using System.Text.Json;
using static TorchSharp.torch;

namespace Kernelwise.Zoo;

/// <summary>
/// A minimal reader and writer of the safetensors format (Hugging Face): an 8-byte little-endian header length, a
/// JSON header mapping each name to its dtype, shape and [begin, end) byte offsets, then the raw little-endian data.
/// Plain data only — nothing in the file is executed.
/// </summary>
internal static class SafetensorsFormat
{
    private const long MaxHeaderBytes = 100L << 20;

    private static readonly (string Name, ScalarType Type, int Size)[] Types =
    {
        ("F64", ScalarType.Float64, 8), ("F32", ScalarType.Float32, 4), ("F16", ScalarType.Float16, 2), ("BF16", ScalarType.BFloat16, 2),
        ("I64", ScalarType.Int64, 8), ("I32", ScalarType.Int32, 4), ("I16", ScalarType.Int16, 2), ("I8", ScalarType.Int8, 1),
        ("U8", ScalarType.Byte, 1), ("BOOL", ScalarType.Bool, 1),
    };

    /// <summary>Reads every tensor of the file into new CPU tensors that the caller owns.</summary>
    public static Dictionary<string, Tensor> Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Safetensors file '{path}' does not exist.", path);
        using var stream = File.OpenRead(path);
        long length = stream.Length;
        Span<byte> prefix = stackalloc byte[8];
        if (length < 8 || stream.Read(prefix) != 8) throw Bad(path, "it is shorter than the 8-byte header length");
        long headerLength = BitConverter.ToInt64(prefix);
        if (!BitConverter.IsLittleEndian) headerLength = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(headerLength);
        if (headerLength < 2 || headerLength > MaxHeaderBytes || headerLength > length - 8)
            throw Bad(path, $"its header length {headerLength} is not between 2 and {Math.Min(MaxHeaderBytes, length - 8)}");
        var headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        long dataStart = 8 + headerLength;
        long dataLength = length - dataStart;

        var entries = new List<(string Name, ScalarType Type, int Size, long[] Shape, long Begin, long End)>();
        try
        {
            using var doc = JsonDocument.Parse(headerBytes);
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__") continue;
                var e = property.Value;
                string dtype = e.GetProperty("dtype").GetString() ?? "";
                var type = Types.FirstOrDefault(t => t.Name == dtype);
                if (type.Name is null) throw Bad(path, $"tensor '{property.Name}' has unsupported dtype '{dtype}'");
                var shape = e.GetProperty("shape").EnumerateArray().Select(v => v.GetInt64()).ToArray();
                var offsets = e.GetProperty("data_offsets").EnumerateArray().Select(v => v.GetInt64()).ToArray();
                if (shape.Any(d => d < 0)) throw Bad(path, $"tensor '{property.Name}' has a negative dimension");
                if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0] || offsets[1] > dataLength)
                    throw Bad(path, $"tensor '{property.Name}' has data offsets [{string.Join(", ", offsets)}] outside the {dataLength}-byte data section");
                long elements = shape.Aggregate(1L, (a, d) => checked(a * d));
                if (checked(elements * type.Size) != offsets[1] - offsets[0])
                    throw Bad(path, $"tensor '{property.Name}' ({dtype} [{string.Join(", ", shape)}]) needs {elements * type.Size} bytes but its offsets span {offsets[1] - offsets[0]}");
                entries.Add((property.Name, type.Type, type.Size, shape, offsets[0], offsets[1]));
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException or OverflowException)
        {
            throw Bad(path, $"its JSON header is malformed ({e.Message})");
        }

        var result = new Dictionary<string, Tensor>();
        try
        {
            foreach (var entry in entries.OrderBy(e => e.Begin))
            {
                var t = empty(entry.Shape, entry.Type).DetachFromDisposeScope();
                result[entry.Name] = t;
                long bytes = entry.End - entry.Begin;
                if (bytes == 0) continue;
                if (bytes > int.MaxValue) throw Bad(path, $"tensor '{entry.Name}' is larger than 2 GiB, which this reader does not support");
                stream.Position = dataStart + entry.Begin;
                stream.ReadExactly(t.bytes);
            }
        }
        catch
        {
            foreach (var t in result.Values) t.Dispose();
            throw;
        }
        return result;
    }

    /// <summary>Writes the tensors (any device; copied to the CPU) to <paramref name="path"/>, names in ordinal order.</summary>
    public static void Write(string path, IReadOnlyDictionary<string, Tensor> tensors)
    {
        var names = tensors.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList();
        var header = new Dictionary<string, object>();
        long offset = 0;
        foreach (var name in names)
        {
            var t = tensors[name];
            var type = Types.FirstOrDefault(x => x.Type == t.dtype);
            if (type.Name is null) throw new ArgumentException($"Tensor '{name}' has dtype {t.dtype}, which safetensors cannot store here.");
            long bytes = t.numel() * type.Size;
            header[name] = new { dtype = type.Name, shape = t.shape, data_offsets = new[] { offset, offset + bytes } };
            offset += bytes;
        }
        var json = JsonSerializer.SerializeToUtf8Bytes(header);
        int padding = (8 - json.Length % 8) % 8;
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        using var stream = new FileStream(full, FileMode.Create, FileAccess.Write);
        stream.Write(BitConverter.GetBytes((long)(json.Length + padding)));
        stream.Write(json);
        for (int i = 0; i < padding; i++) stream.WriteByte((byte)' ');
        foreach (var name in names)
        {
            using var cpu = tensors[name].detach().cpu().contiguous();
            if (cpu.numel() > 0) stream.Write(cpu.bytes);
        }
    }

    private static InvalidDataException Bad(string path, string problem) => new($"'{path}' is not a valid safetensors file: {problem}.");
}
