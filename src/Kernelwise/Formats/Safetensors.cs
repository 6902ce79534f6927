using System.Text;
using System.Text.Json;
using static TorchSharp.torch;

namespace Kernelwise.Formats;

/// <summary>
/// Reads and writes the safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON header
/// mapping each tensor name to its dtype, shape and byte range, then the raw little-endian tensor bytes. The format
/// holds data only, so loading it can never run code.
/// </summary>
/// <remarks>
/// The reader checks everything before allocating a tensor: header length within the file, well-formed JSON, known
/// dtypes, non-negative shapes, and byte ranges that match the shape, lie inside the data and do not overlap — a
/// truncated or tampered file is an error naming the file and the tensor.
/// </remarks>
internal static class Safetensors
{
    private static readonly Dictionary<ScalarType, string> DtypeNames = new()
    {
        [ScalarType.Float64] = "F64", [ScalarType.Float32] = "F32", [ScalarType.Float16] = "F16", [ScalarType.BFloat16] = "BF16",
        [ScalarType.Int64] = "I64", [ScalarType.Int32] = "I32", [ScalarType.Int16] = "I16", [ScalarType.Int8] = "I8",
        [ScalarType.Byte] = "U8", [ScalarType.Bool] = "BOOL",
    };

    private static readonly Dictionary<string, ScalarType> Dtypes = DtypeNames.ToDictionary(kv => kv.Value, kv => kv.Key);

    /// <summary>Writes the tensors (any device; copied to the CPU) in the given order.</summary>
    public static void Write(Stream stream, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var items = tensors.ToList();
        var header = new MemoryStream();
        using (var json = new Utf8JsonWriter(header))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject("__metadata__");
                foreach (var (k, v) in metadata) json.WriteString(k, v);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var (name, t) in items)
            {
                if (!DtypeNames.TryGetValue(t.dtype, out var dtype))
                    throw new NotSupportedException($"Tensor '{name}' has dtype {t.dtype}, which safetensors cannot store.");
                long length = t.numel() * t.ElementSize;
                json.WriteStartObject(name);
                json.WriteString("dtype", dtype);
                json.WriteStartArray("shape");
                foreach (var d in t.shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + length);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += length;
            }
            json.WriteEndObject();
        }
        // Pad the header with spaces to a multiple of 8 bytes, as the reference implementation does.
        while (header.Length % 8 != 0) header.WriteByte((byte)' ');
        Span<byte> size = stackalloc byte[8];
        BitConverter.TryWriteBytes(size, (ulong)header.Length);
        stream.Write(size);
        header.Position = 0;
        header.CopyTo(stream);
        foreach (var (_, t) in items)
        {
            using var scope = NewDisposeScope();
            var cpu = t.detach().cpu().contiguous();
            if (cpu.numel() > 0) stream.Write(cpu.bytes);
        }
    }

    /// <summary>Reads every tensor (on the CPU); the caller owns them. <paramref name="path"/> names the source in errors.</summary>
    public static Dictionary<string, Tensor> Read(byte[] data, string path)
    {
        if (data.Length < 8) throw Bad(path, $"it has {data.Length} bytes, fewer than the 8-byte header length");
        ulong headerLength = BitConverter.ToUInt64(data, 0);
        if (headerLength > (ulong)(data.Length - 8)) throw Bad(path, $"its header announces {headerLength} bytes but the file has only {data.Length - 8} after the length field (truncated?)");
        int dataStart = 8 + (int)headerLength;
        var entries = new List<(string Name, ScalarType Dtype, long[] Shape, long Begin, long End)>();
        try
        {
            using var doc = JsonDocument.Parse(data.AsMemory(8, (int)headerLength));
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw Bad(path, "its header is not a JSON object");
            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                if (prop.Name == "__metadata__") continue;
                var e = prop.Value;
                string dtypeName = e.GetProperty("dtype").GetString() ?? "";
                if (!Dtypes.TryGetValue(dtypeName, out var dtype)) throw Bad(path, $"tensor '{prop.Name}' has unsupported dtype '{dtypeName}'");
                var shape = e.GetProperty("shape").EnumerateArray().Select(v => v.GetInt64()).ToArray();
                var offsets = e.GetProperty("data_offsets").EnumerateArray().Select(v => v.GetInt64()).ToArray();
                if (shape.Any(d => d < 0)) throw Bad(path, $"tensor '{prop.Name}' has a negative dimension in shape [{string.Join(", ", shape)}]");
                if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0]) throw Bad(path, $"tensor '{prop.Name}' has invalid data_offsets [{string.Join(", ", offsets)}]");
                entries.Add((prop.Name, dtype, shape, offsets[0], offsets[1]));
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            throw Bad(path, $"its JSON header is malformed ({e.Message})");
        }
        long available = data.Length - dataStart;
        long previousEnd = 0;
        foreach (var entry in entries.OrderBy(e => e.Begin))
        {
            long elements = entry.Shape.Aggregate(1L, (a, b) => checked(a * b));
            long expected;
            using (var probe = empty(0, dtype: entry.Dtype)) expected = checked(elements * probe.ElementSize);
            if (entry.End - entry.Begin != expected)
                throw Bad(path, $"tensor '{entry.Name}' of shape [{string.Join(", ", entry.Shape)}] needs {expected} bytes but its data range holds {entry.End - entry.Begin}");
            if (entry.End > available) throw Bad(path, $"tensor '{entry.Name}' ends at byte {entry.End} of the data but only {available} data bytes follow the header (truncated?)");
            if (entry.Begin < previousEnd) throw Bad(path, $"tensor '{entry.Name}' overlaps the previous tensor's bytes");
            previousEnd = entry.End;
        }
        var result = new Dictionary<string, Tensor>();
        try
        {
            foreach (var entry in entries)
            {
                var t = empty(entry.Shape, dtype: entry.Dtype);
                if (t.numel() > 0) t.bytes = data.AsSpan(dataStart + (int)entry.Begin, (int)(entry.End - entry.Begin));
                result[entry.Name] = t;
            }
        }
        catch
        {
            foreach (var t in result.Values) t.Dispose();
            throw;
        }
        return result;
    }

    private static CheckpointException Bad(string path, string problem)
        => new(path, $"'{path}' is not a valid safetensors file: {problem}.");
}
