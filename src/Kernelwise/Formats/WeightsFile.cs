using static TorchSharp.torch;

namespace Kernelwise.Formats;

/// <summary>
/// Reads and writes a module's weights in the three <see cref="WeightsFormat"/>s, atomically, checking every tensor
/// before anything is changed. The one place a file's extension decides its format.
/// </summary>
public static class WeightsFile
{
    /// <summary>The format a path's extension names: <c>.safetensors</c>, <c>.pt</c>/<c>.pth</c>, anything else TorchSharp's.</summary>
    public static WeightsFormat FormatOf(string path)
    {
        Guard.NotEmpty(path);
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".safetensors" => WeightsFormat.Safetensors,
            ".pt" or ".pth" => WeightsFormat.PyTorch,
            _ => WeightsFormat.TorchSharp,
        };
    }

    /// <summary>Writes <paramref name="module"/>'s weights and buffers to <paramref name="path"/> (temporary file, flush, rename).</summary>
    /// <param name="module">The module.</param>
    /// <param name="modelName">The model's name, recorded in safetensors metadata.</param>
    /// <param name="path">The file.</param>
    /// <param name="format">The format; by default from the extension (<see cref="FormatOf"/>).</param>
    public static void Save(nn.Module module, string modelName, string path, WeightsFormat? format = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        Guard.NotEmpty(path);
        var f = format ?? FormatOf(path);
        if (f == WeightsFormat.TorchSharp)
        {
            AtomicFile.Write(path, stream =>
            {
                using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
                module.save(writer);
            });
            return;
        }
        var tensors = StateDict.Capture(module);
        try
        {
            AtomicFile.Write(path, stream =>
            {
                if (f == WeightsFormat.Safetensors) Safetensors.Write(stream, tensors, new Dictionary<string, string> { ["format"] = "pt", ["model"] = modelName });
                else PyTorchWeights.Write(stream, tensors);
            });
        }
        finally
        {
            foreach (var t in tensors) t.Value.Dispose();
        }
    }

    /// <summary>
    /// Loads weights into <paramref name="module"/>. Every tensor is checked first: when any is missing, unexpected or
    /// has the wrong shape, the error lists them all, names the file, and the module is left unchanged.
    /// </summary>
    /// <param name="module">The module.</param>
    /// <param name="modelName">The model's name, for messages.</param>
    /// <param name="path">The file.</param>
    /// <param name="format">The format; by default from the extension.</param>
    /// <param name="strict">When false, missing and unexpected tensors are ignored; wrong shapes are always an error (safetensors and PyTorch files).</param>
    public static void Load(nn.Module module, string modelName, string path, WeightsFormat? format = null, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(module);
        Guard.NotEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"Weights file '{path}' does not exist.", path);
        var f = format ?? FormatOf(path);
        if (f == WeightsFormat.TorchSharp)
        {
            var backupStream = new MemoryStream();
            module.save(backupStream); // TorchSharp closes the stream; ToArray still works on a closed MemoryStream
            byte[] backup = backupStream.ToArray();
            try
            {
                module.load(path, strict: true);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                module.load(new MemoryStream(backup), strict: true);
                throw new InvalidDataException($"Could not load weights from '{path}' into model '{modelName}': {e.Message}", e);
            }
            return;
        }
        var tensors = f == WeightsFormat.Safetensors ? Safetensors.Read(File.ReadAllBytes(path), path) : PyTorchWeights.Read(path);
        try
        {
            StateDict.Apply(module, tensors, path, modelName, strict);
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }
}
