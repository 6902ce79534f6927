using System.Security.Cryptography;
using System.Text;

namespace Kernelwise.Formats;

/// <summary>
/// The checkpoint container: a fixed header, then named sections, protected by a SHA-256 checksum and written
/// atomically.
/// </summary>
/// <remarks>
/// <para>Layout (little-endian):</para>
/// <code>
/// offset  size  field
///      0    16  magic "KERNELWISE-CKPT\n"
///     16     4  format version (1)
///     20     8  payload length in bytes
///     28    32  SHA-256 of the payload
///     60     …  payload: section count (int32), then per section: name (length-prefixed UTF-8), length (int64), bytes
/// </code>
/// <para>Writing goes to a temporary file in the target's folder, is flushed to disk, and is then renamed over the
/// target, so a crash at any moment leaves either the previous file or the complete new one — never a partial file
/// under the target's name. Reading verifies magic, version, length and checksum before any byte is interpreted.</para>
/// </remarks>
internal static class CheckpointFile
{
    public const int Version = 1;
    public static readonly byte[] Magic = Encoding.ASCII.GetBytes("KERNELWISE-CKPT\n");
    private const int HeaderSize = 16 + 4 + 8 + 32;

    public static void Write(string path, IReadOnlyList<(string Name, byte[] Data)> sections)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        byte[] payload;
        using (var ms = new MemoryStream())
        {
            using (var w = new BinaryWriter(ms, Encoding.UTF8, leaveOpen: true))
            {
                w.Write(sections.Count);
                foreach (var (name, data) in sections)
                {
                    w.Write(name);
                    w.Write((long)data.Length);
                    w.Write(data);
                }
            }
            payload = ms.ToArray();
        }
        byte[] hash = SHA256.HashData(payload);
        AtomicFile.Write(full, stream =>
        {
            using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            w.Write(Magic);
            w.Write(Version);
            w.Write((long)payload.Length);
            w.Write(hash);
            w.Write(payload);
        });
    }

    public static Dictionary<string, byte[]> Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Checkpoint '{path}' does not exist.", path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (IOException e)
        {
            throw new CheckpointException(path, $"Checkpoint '{path}' could not be read: {e.Message}", e);
        }
        int prefix = Math.Min(bytes.Length, Magic.Length);
        if (!bytes.AsSpan(0, prefix).SequenceEqual(Magic.AsSpan(0, prefix)))
            throw new CheckpointException(path, $"'{path}' is not a Kernelwise checkpoint: it does not start with the checkpoint header. Weights saved with Model.Save are loaded with Model.Load.");
        if (bytes.Length < HeaderSize)
            throw new CheckpointException(path, $"Checkpoint '{path}' is truncated: {bytes.Length} bytes, shorter than the {HeaderSize}-byte header. It was not written completely; use an earlier checkpoint.");
        int version = BitConverter.ToInt32(bytes, 16);
        if (version != Version)
            throw new CheckpointException(path, $"Checkpoint '{path}' has format version {version}; this version of Kernelwise reads version {Version}.");
        long length = BitConverter.ToInt64(bytes, 20);
        long actual = bytes.Length - HeaderSize;
        if (length < 0 || actual < length)
            throw new CheckpointException(path, $"Checkpoint '{path}' is truncated: its header announces {length} payload bytes but only {actual} follow. It was not written completely; use an earlier checkpoint.");
        if (actual > length)
            throw new CheckpointException(path, $"Checkpoint '{path}' is corrupt: {actual - length} unexpected bytes follow its {length}-byte payload.");
        var payload = bytes.AsSpan(HeaderSize, (int)length);
        var expected = bytes.AsSpan(28, 32);
        if (!SHA256.HashData(payload).AsSpan().SequenceEqual(expected))
            throw new CheckpointException(path, $"Checkpoint '{path}' is corrupt: the SHA-256 checksum of its contents does not match the one recorded in its header.");
        try
        {
            using var ms = new MemoryStream(bytes, HeaderSize, (int)length, writable: false);
            using var r = new BinaryReader(ms, Encoding.UTF8);
            int count = r.ReadInt32();
            var sections = new Dictionary<string, byte[]>();
            for (int i = 0; i < count; i++)
            {
                string name = r.ReadString();
                long size = r.ReadInt64();
                sections[name] = r.ReadBytes(checked((int)size));
            }
            return sections;
        }
        catch (Exception e) when (e is EndOfStreamException or OverflowException or IOException)
        {
            throw new CheckpointException(path, $"Checkpoint '{path}' is corrupt: its sections cannot be read ({e.Message}).", e);
        }
    }
}
