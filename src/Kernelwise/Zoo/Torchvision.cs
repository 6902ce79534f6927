using Kernelwise.Formats;
using Kernelwise.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Kernelwise.Zoo;

/// <summary>
/// Moves weights between zoo models and torchvision state dicts, by a fixed name mapping.
/// </summary>
/// <remarks>
/// <para><b>The mapping.</b> Every zoo layer that holds tensors is named after the torchvision module that holds the
/// same tensors, with the dots of its path replaced by underscores (torchvision's module names contain no
/// underscores): torchvision's <c>layer1.0.conv1</c> is the Kernelwise layer <c>layer1_0_conv1</c>. A Kernelwise
/// state dict key is the path of composite layers and paths down to that layer, then the tensor
/// (<c>layer1_0.main.layer1_0_conv1.weight</c>); its torchvision key is the layer's name with underscores turned back
/// into dots, then the tensor (<c>layer1.0.conv1.weight</c>). Examples:</para>
/// <list type="table">
/// <listheader><term>Kernelwise</term><description>torchvision</description></listheader>
/// <item><term><c>features_0.weight</c></term><description><c>features.0.weight</c> (AlexNet, VGG)</description></item>
/// <item><term><c>layer2_0.shortcut.layer2_0_downsample_1.running_var</c></term><description><c>layer2.0.downsample.1.running_var</c> (ResNet)</description></item>
/// <item><term><c>inception3a.branch_1.inception3a_branch2_0_conv.weight</c></term><description><c>inception3a.branch2.0.conv.weight</c> (GoogLeNet)</description></item>
/// <item><term><c>aux1.head.aux1_fc2.bias</c></term><description><c>aux1.fc2.bias</c> (GoogLeNet's auxiliary head)</description></item>
/// </list>
/// <para>Tensor names (<c>weight</c>, <c>bias</c>, <c>running_mean</c>, <c>running_var</c>, <c>num_batches_tracked</c>)
/// are PyTorch's on both sides, and tensor layouts are PyTorch's (convolution weights [out, in, kh, kw], dense
/// weights [out, in]), so values copy without transposition. The rule holds for the zoo's models; applied to other
/// models it yields names no torchvision model has.</para>
/// <para>Files: <see cref="LoadWeights"/> reads a torchvision state dict saved as safetensors or with
/// <c>torch.save</c> (<c>.pth</c>, as torchvision's published weights are), without running code from the file;
/// <see cref="SaveWeights"/> writes one that PyTorch loads into the torchvision model with <c>load_state_dict</c>.</para>
/// </remarks>
public static class Torchvision
{
    private const string BatchesTracked = "num_batches_tracked";

    /// <summary>
    /// The torchvision key of each Kernelwise state dict key (a pure function of the keys). Throws when a key has no
    /// layer part or when two keys would map to the same torchvision key.
    /// </summary>
    public static IReadOnlyDictionary<string, string> TorchvisionNames(IEnumerable<string> kernelwiseKeys)
    {
        ArgumentNullException.ThrowIfNull(kernelwiseKeys);
        var map = new Dictionary<string, string>();
        var inverse = new Dictionary<string, string>();
        foreach (var key in kernelwiseKeys)
        {
            var parts = key.Split('.');
            if (parts.Length < 2 || parts.Any(p => p.Length == 0))
                throw new ArgumentException($"State dict key '{key}' has no layer part; expected '{{layer}}.{{tensor}}' or a nested path.", nameof(kernelwiseKeys));
            string tv = parts[^2].Replace('_', '.') + "." + parts[^1];
            if (inverse.TryGetValue(tv, out var other))
                throw new ArgumentException($"State dict keys '{other}' and '{key}' both map to torchvision key '{tv}'; layer names must be unique.", nameof(kernelwiseKeys));
            inverse[tv] = key;
            map[key] = tv;
        }
        return map;
    }

    /// <summary>The torchvision key of each tensor of <paramref name="model"/>'s state dict.</summary>
    public static IReadOnlyDictionary<string, string> TorchvisionNames(Model model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return TorchvisionNames(model.Network.state_dict().Keys);
    }

    /// <summary>
    /// The model's weights and buffers under torchvision's names, as CPU copies in a new dictionary. The caller owns
    /// the tensors (dispose them).
    /// </summary>
    public static Dictionary<string, Tensor> ExportStateDict(Model model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var state = model.Network.state_dict();
        var names = TorchvisionNames(state.Keys);
        var result = new Dictionary<string, Tensor>();
        using var _ = no_grad();
        foreach (var (key, tensor) in state) result[names[key]] = tensor.detach().cpu().clone().DetachFromDisposeScope();
        return result;
    }

    /// <summary>
    /// Copies a torchvision state dict into <paramref name="model"/> (converting dtype and device). Every tensor of the
    /// model must be present with the same shape — except <c>num_batches_tracked</c>, which older torchvision files
    /// lack (the model's value is kept then, as PyTorch does). With <paramref name="strict"/>, keys the model does
    /// not have are an error too. Everything is checked before anything is copied, so a failed load leaves the
    /// model unchanged. The dictionary's tensors are not disposed.
    /// </summary>
    /// <param name="model">A zoo model (its layer names follow the mapping described on <see cref="Torchvision"/>).</param>
    /// <param name="torchvisionState">Tensors by torchvision key.</param>
    /// <param name="strict">Refuse keys that do not belong to the model (e.g. auxiliary heads the model was built without).</param>
    public static void LoadStateDict(Model model, IDictionary<string, Tensor> torchvisionState, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(torchvisionState);
        var state = model.Network.state_dict();
        var names = TorchvisionNames(state.Keys);
        var problems = new List<string>();
        var copies = new List<(Tensor Target, Tensor Source)>();
        foreach (var (key, target) in state)
        {
            string tv = names[key];
            if (!torchvisionState.TryGetValue(tv, out var source))
            {
                if (!tv.EndsWith("." + BatchesTracked, StringComparison.Ordinal)) problems.Add($"missing '{tv}' (for '{key}', shape {Dims(target.shape)})");
                continue;
            }
            if (!source.shape.SequenceEqual(target.shape))
            {
                problems.Add($"'{tv}' has shape {Dims(source.shape)} but '{key}' needs {Dims(target.shape)}");
                continue;
            }
            copies.Add((target, source));
        }
        if (strict)
        {
            var known = names.Values.ToHashSet();
            foreach (var extra in torchvisionState.Keys.Where(k => !known.Contains(k)).OrderBy(k => k, StringComparer.Ordinal))
                problems.Add($"unexpected '{extra}' (model '{model.Name}' has no such tensor; pass strict: false to ignore it)");
        }
        if (problems.Count > 0)
        {
            string list = string.Join("; ", problems.Take(10)) + (problems.Count > 10 ? $"; and {problems.Count - 10} more" : "");
            throw new InvalidDataException($"Cannot load the torchvision state dict into model '{Name(model)}': {problems.Count} problem(s): {list}.");
        }
        using var _ = no_grad();
        foreach (var (target, source) in copies) target.copy_(source);
    }

    /// <summary>
    /// Loads a file holding a torchvision state dict into <paramref name="model"/> (see <see cref="LoadStateDict"/>):
    /// safetensors (<c>.safetensors</c>, what <c>safetensors.torch.save_file(model.state_dict(), path)</c> writes) or a
    /// PyTorch state dict (<c>.pt</c>/<c>.pth</c>, what <c>torch.save(model.state_dict(), path)</c> writes — torchvision's
    /// downloadable weights). PyTorch files are checked before unpickling: only tensors and dictionaries are
    /// accepted, so loading never runs code from the file. Errors name the file.
    /// </summary>
    /// <param name="model">A zoo model.</param>
    /// <param name="path">The file.</param>
    /// <param name="strict">Refuse tensors the model does not have.</param>
    public static void LoadWeights(Model model, string path, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        Guard.NotEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"Weights file '{path}' does not exist.", path);
        var tensors = FormatOf(path) == WeightsFormat.Safetensors ? Safetensors.Read(File.ReadAllBytes(path), path) : PyTorchWeights.Read(path);
        try
        {
            LoadStateDict(model, tensors, strict);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{e.Message} File: '{path}'.", e);
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    /// <summary>
    /// Writes the model's weights and buffers under torchvision's names, as safetensors (<c>.safetensors</c>) or a
    /// PyTorch state dict (<c>.pt</c>/<c>.pth</c>), for <c>torchvision_model.load_state_dict(...)</c> in PyTorch.
    /// </summary>
    public static void SaveWeights(Model model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        Guard.NotEmpty(path);
        var format = FormatOf(path);
        var tensors = ExportStateDict(model);
        try
        {
            var full = Path.GetFullPath(path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            using var stream = new FileStream(full, FileMode.Create, FileAccess.Write);
            var ordered = tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal);
            if (format == WeightsFormat.Safetensors) Safetensors.Write(stream, ordered, new Dictionary<string, string> { ["format"] = "pt" });
            else PyTorchWeights.Write(stream, ordered);
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    private static WeightsFormat FormatOf(string path)
    {
        var format = WeightsFile.FormatOf(path);
        if (format == WeightsFormat.TorchSharp)
            throw new ArgumentException($"Invalid value for argument path. Expected a .safetensors, .pt or .pth file. Received path='{path}'.", nameof(path));
        return format;
    }

    private static string Name(Model model) => model.Name;

    private static string Dims(long[] shape) => "[" + string.Join(", ", shape) + "]";
}
