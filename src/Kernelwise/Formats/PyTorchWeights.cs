using System.Collections;
using System.IO.Compression;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Kernelwise.Formats;

/// <summary>
/// PyTorch state-dict files (<c>torch.save(model.state_dict(), "w.pt")</c>, the zip format of PyTorch 1.6 and newer),
/// read and written with TorchSharp.PyBridge. Reading checks the pickle first (<see cref="PickleGuard"/>): only
/// tensors, storages and ordered dicts are accepted, so loading never executes code from the file.
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

    /// <summary>Reads the tensors (CPU); the caller owns them.</summary>
    public static Dictionary<string, Tensor> Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length < 4 || bytes[0] != 0x50 || bytes[1] != 0x4b || bytes[2] != 0x03 || bytes[3] != 0x04)
            throw new CheckpointException(path, $"'{path}' is not a PyTorch zip file (torch.save since PyTorch 1.6). Files in the legacy format can be re-saved in Python with torch.save(state_dict, path).");
        try
        {
            using (var archive = new ZipArchive(new MemoryStream(bytes, writable: false), ZipArchiveMode.Read))
            {
                var entry = archive.Entries.FirstOrDefault(e => e.Name == "data.pkl")
                    ?? throw new CheckpointException(path, $"'{path}' has no data.pkl: it is a zip file but not one written by torch.save.");
                using var pkl = entry.Open();
                using var ms = new MemoryStream();
                pkl.CopyTo(ms);
                PickleGuard.Check(ms.ToArray(), path);
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
            foreach (var t in result.Values) t.DetachFromDisposeScope();
            return result;
        }
        catch (Exception e) when (e is InvalidDataException or NotImplementedException or InvalidCastException or Razorvine.Pickle.PickleException or IndexOutOfRangeException)
        {
            throw new CheckpointException(path, $"Could not read PyTorch weights from '{path}': {e.Message}", e);
        }
    }
}
