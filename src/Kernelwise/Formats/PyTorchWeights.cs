using System.Collections;
using System.IO.Compression;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Kernelwise.Formats;

/// <summary>
/// PyTorch state-dict files (<c>torch.save(model.state_dict(), "w.pt")</c>, the zip format of PyTorch 1.6 and newer),
/// read and written with TorchSharp.PyBridge. Reading checks the pickle first (<see cref="PickleGuard"/>): only
/// tensors, storages and ordered dicts are accepted, so loading never executes code from the file, and every tensor's
/// declared size is bounded by its storage entry and the file before the reader allocates it.
/// </summary>
internal static class PyTorchWeights
{
    public static void Write(Stream stream, IEnumerable<KeyValuePair<string, Tensor>> tensors)
    {
        var dict = new System.Collections.Specialized.OrderedDictionary();
        foreach (var (k, v) in tensors) dict[k] = v;
        using var scope = NewDisposeScope(); // copies the pickler makes die here
        PyTorchPickler.PickleStateDict(stream, dict, leaveOpen: true);
    }

    /// <summary>
    /// The most a deflated zip entry can expand: deflate codes a run of 258 bytes in no fewer than 2 bits, so an entry
    /// declaring more than 1032 times its compressed size cannot be genuine.
    /// </summary>
    public const long MaxDeflateRatio = 1032;

    /// <summary>The pickle entry the reader unpickles: TorchSharp.PyBridge takes the first entry whose name ends with this.</summary>
    private const string PickleName = "data.pkl";

    /// <summary>
    /// Reads the tensors (CPU); the caller owns them. Before anything is unpickled, the entry the reader will unpickle
    /// is interpreted (<see cref="PickleGuard"/>) and every tensor it declares is bounded by its storage entry and the
    /// file: the reader allocates each tensor's declared shape before it reads a byte of its storage.
    /// </summary>
    public static Dictionary<string, Tensor> Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length < 4 || bytes[0] != 0x50 || bytes[1] != 0x4b || bytes[2] != 0x03 || bytes[3] != 0x04)
            throw new CheckpointException(path, $"'{path}' is not a PyTorch zip file (torch.save since PyTorch 1.6). Files in the legacy format can be re-saved in Python with torch.save(state_dict, path).");
        try
        {
            IReadOnlyList<DeclaredTensor> declared;
            using (var archive = new ZipArchive(new MemoryStream(bytes, writable: false), ZipArchiveMode.Read))
            {
                var entry = PickleEntry(archive, path);
                declared = PickleGuard.Scan(ReadEntry(entry, bytes.Length, path), path, entry.FullName);
                CheckStorages(archive, declared, bytes.Length, path);
            }
            // The unpickler's intermediate tensors die with this scope; the state dict's tensors are detached from it.
            using var scope = NewDisposeScope();
            Hashtable table = PyTorchUnpickler.UnpickleStateDict(new MemoryStream(bytes, writable: false));
            var result = new Dictionary<string, Tensor>();
            foreach (DictionaryEntry e in table)
            {
                if (e.Key is string key && e.Value is Tensor t) result[key] = t;
                else throw new CheckpointException(path, $"'{path}' holds an entry '{e.Key}' that is not a tensor; only state dicts of tensors can be loaded.");
            }
            Agree(result, declared, path);
            foreach (var t in result.Values) t.DetachFromDisposeScope();
            return result;
        }
        catch (Exception e) when (e is InvalidDataException or NotImplementedException or InvalidCastException or Razorvine.Pickle.PickleException or IndexOutOfRangeException or EndOfStreamException)
        {
            throw new CheckpointException(path, $"Could not read PyTorch weights from '{path}': {e.Message}", e);
        }
    }

    /// <summary>
    /// The entry the reader will unpickle, chosen by the reader's own rule (the first entry whose name ends with
    /// <c>data.pkl</c>, compared as it compares); a file with more than one such entry is refused, since only one of
    /// them would be read and a scan of another would prove nothing.
    /// </summary>
    private static ZipArchiveEntry PickleEntry(ZipArchive archive, string path)
    {
        var candidates = archive.Entries.Where(e => e.Name.EndsWith(PickleName, StringComparison.CurrentCulture)).ToList();
        if (candidates.Count == 0)
            throw new CheckpointException(path, $"'{path}' has no data.pkl: it is a zip file but not one written by torch.save.");
        if (candidates.Count > 1)
            throw new CheckpointException(path, $"Refusing to load '{path}': it holds {candidates.Count} entries whose names end with '{PickleName}' ({string.Join(", ", candidates.Select(e => $"'{e.FullName}'"))}); a file written by torch.save holds exactly one, and the reader would unpickle only the first.");
        return candidates[0];
    }

    /// <summary>Reads an entry whole, after checking its declared size against its compressed size and the file's.</summary>
    private static byte[] ReadEntry(ZipArchiveEntry entry, long fileLength, string path)
    {
        CheckSize(entry, fileLength, path, "its pickle");
        if (entry.Length > Array.MaxLength)
            throw new CheckpointException(path, $"Refusing to load '{path}': its entry '{entry.FullName}' declares {entry.Length:N0} bytes of pickle, more than one array holds.");
        var data = new byte[entry.Length];
        using var stream = entry.Open();
        stream.ReadExactly(data);
        if (stream.ReadByte() != -1)
            throw new CheckpointException(path, $"Refusing to load '{path}': its entry '{entry.FullName}' holds more than the {entry.Length:N0} bytes it declares.");
        return data;
    }

    /// <summary>
    /// Bounds an entry's declared (uncompressed) size by the file: its compressed bytes lie in the file, and deflate
    /// expands them at most <see cref="MaxDeflateRatio"/> times (a stored entry's sizes are equal).
    /// </summary>
    private static void CheckSize(ZipArchiveEntry entry, long fileLength, string path, string what)
    {
        if (entry.CompressedLength > fileLength || entry.Length > entry.CompressedLength * MaxDeflateRatio)
            throw new CheckpointException(path, $"Refusing to load '{path}': its entry '{entry.FullName}' ({what}) declares {entry.Length:N0} bytes from {entry.CompressedLength:N0} compressed bytes in a file of {fileLength:N0} bytes; a zip entry cannot hold more than {MaxDeflateRatio} times its compressed size, nor lie outside the file.");
    }

    /// <summary>
    /// Finds each declared storage the way the reader does (the first entry whose full name ends with
    /// <c>data/&lt;key&gt;</c>), refuses a missing or ambiguous one, and checks that its size is exactly what the
    /// pickle declares and is bounded by the file. With the pickle's own checks this bounds every allocation the
    /// reader makes (each tensor's shape) by the file's size.
    /// </summary>
    private static void CheckStorages(ZipArchive archive, IReadOnlyList<DeclaredTensor> declared, long fileLength, string path)
    {
        var found = new Dictionary<string, List<ZipArchiveEntry>>(StringComparer.Ordinal); // storages shared by several tensors are looked up once
        foreach (var t in declared)
        {
            string suffix = $"data/{t.StorageKey}";
            if (!found.TryGetValue(t.StorageKey, out var candidates))
                found[t.StorageKey] = candidates = archive.Entries.Where(e => e.FullName.EndsWith(suffix, StringComparison.CurrentCulture)).ToList();
            if (candidates.Count == 0)
                throw new CheckpointException(path, $"Refusing to load '{path}': tensor '{t.Key}' is stored in '{suffix}', but the file has no entry of that name.");
            if (candidates.Count > 1)
                throw new CheckpointException(path, $"Refusing to load '{path}': tensor '{t.Key}' is stored in '{suffix}', and {candidates.Count} entries end with that name ({string.Join(", ", candidates.Select(e => $"'{e.FullName}'"))}); the reader would read only the first.");
            var entry = candidates[0];
            CheckSize(entry, fileLength, path, $"the storage of tensor '{t.Key}'");
            if (entry.Length != t.StorageBytes)
                throw new CheckpointException(path, $"Refusing to load '{path}': tensor '{t.Key}' declares a storage of {t.StorageElements:N0} elements of {t.ElementSize} bytes ({t.StorageBytes:N0} bytes, torch.{t.StorageType}), but its entry '{entry.FullName}' holds {entry.Length:N0} bytes.");
        }
    }

    /// <summary>Checks that the reader returned exactly the tensors the scan declared (keys, shapes and element sizes).</summary>
    private static void Agree(Dictionary<string, Tensor> read, IReadOnlyList<DeclaredTensor> declared, string path)
    {
        var byKey = declared.ToDictionary(d => d.Key, StringComparer.Ordinal);
        foreach (var (key, t) in read)
        {
            if (!byKey.TryGetValue(key, out var d) || !t.shape.SequenceEqual(d.Shape) || t.ElementSize != d.ElementSize)
                throw new CheckpointException(path, $"Refusing to load '{path}': the reader returned tensor '{key}' of shape [{string.Join(", ", t.shape)}], which the pickle does not declare as such{(d is null ? "" : $" (declared [{string.Join(", ", d.Shape)}], {d.ElementSize}-byte elements)")}.");
        }
        if (read.Count != byKey.Count)
            throw new CheckpointException(path, $"Refusing to load '{path}': the pickle declares {byKey.Count} tensors but the reader returned {read.Count} ({string.Join(", ", byKey.Keys.Except(read.Keys).Select(k => $"'{k}'"))} missing).");
    }
}
