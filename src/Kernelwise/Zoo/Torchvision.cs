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
    /// Copies a torchvision state dict into <paramref name="model"/> (converting dtype and device) and returns what was
    /// loaded. Everything is checked before anything is copied, so a failed load leaves the model unchanged. The
    /// dictionary's tensors are not disposed. <c>num_batches_tracked</c>, which older torchvision files lack, keeps the
    /// model's value when absent (as PyTorch does) and is never reported as missing.
    /// </summary>
    /// <remarks>
    /// <para>With <paramref name="strict"/> (the default) every tensor of the model must be present with the same shape
    /// and the state dict must hold nothing else; any difference is an error listing all of them.</para>
    /// <para>With <c>strict: false</c> — a backbone for a model without its classifier (<c>includeTop: false</c>) or with a
    /// new head — tensors the model lacks are skipped and tensors the state dict lacks stay as initialised; tensors with
    /// another shape are still an error unless <paramref name="skipMismatched"/> (a head for another number of classes,
    /// Keras's <c>skip_mismatch</c>). A load that copies nothing at all is an error. Whatever was skipped, missing or
    /// mismatched is in the returned <see cref="WeightsLoadReport"/> and written to <paramref name="log"/>: a partial
    /// load is never silent.</para>
    /// </remarks>
    /// <param name="model">A zoo model (its layer names follow the mapping described on <see cref="Torchvision"/>).</param>
    /// <param name="torchvisionState">Tensors by torchvision key.</param>
    /// <param name="strict">Require an exact fit (see remarks).</param>
    /// <param name="skipMismatched">With <c>strict: false</c>, leave tensors of another shape as initialised instead of failing.</param>
    /// <param name="log">Where the report of a partial load is written; standard error when null, <see cref="TextWriter.Null"/> for nowhere.</param>
    /// <returns>Which tensors were loaded, skipped, missing and mismatched.</returns>
    public static WeightsLoadReport LoadStateDict(Model model, IDictionary<string, Tensor> torchvisionState, bool strict = true, bool skipMismatched = false,
        TextWriter? log = null)
        => LoadStateDict(model, torchvisionState, strict, skipMismatched, log, "a state dict");

    internal static WeightsLoadReport LoadStateDict(Model model, IDictionary<string, Tensor> torchvisionState, bool strict, bool skipMismatched,
        TextWriter? log, string source)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(torchvisionState);
        if (strict && skipMismatched)
            throw new ArgumentException("Invalid arguments strict and skipMismatched. skipMismatched applies to partial loads: pass strict: false with it.", nameof(skipMismatched));
        var state = model.Network.state_dict();
        var names = TorchvisionNames(state.Keys);
        var copies = new List<(Tensor Target, Tensor Source)>();
        var loaded = new List<string>();
        var missing = new List<WeightsLoadEntry>();
        var mismatched = new List<WeightsLoadEntry>();
        foreach (var (key, target) in state)
        {
            string tv = names[key];
            if (!torchvisionState.TryGetValue(tv, out var tensor))
            {
                if (!tv.EndsWith("." + BatchesTracked, StringComparison.Ordinal)) missing.Add(new WeightsLoadEntry(tv, key, null, target.shape));
                continue;
            }
            if (!tensor.shape.SequenceEqual(target.shape))
            {
                mismatched.Add(new WeightsLoadEntry(tv, key, tensor.shape, target.shape));
                continue;
            }
            copies.Add((target, tensor));
            loaded.Add(tv);
        }
        var known = names.Values.ToHashSet();
        var skipped = torchvisionState.Where(kv => !known.Contains(kv.Key)).OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => new WeightsLoadEntry(kv.Key, null, kv.Value.shape, null)).ToList();

        var problems = new List<string>();
        if (strict) problems.AddRange(missing.Select(m => $"missing '{m.Key}' (for '{m.ModelKey}', shape {Dims(m.ModelShape!)})"));
        if (strict || !skipMismatched) problems.AddRange(mismatched.Select(m => $"'{m.Key}' has shape {Dims(m.FileShape!)} but '{m.ModelKey}' needs {Dims(m.ModelShape!)}"));
        if (strict) problems.AddRange(skipped.Select(u => $"unexpected '{u.Key}' (model '{model.Name}' has no such tensor; pass strict: false to skip it)"));
        if (problems.Count > 0)
        {
            string list = string.Join("; ", problems.Take(10)) + (problems.Count > 10 ? $"; and {problems.Count - 10} more" : "");
            string hint = !strict && mismatched.Count > 0 ? " Pass skipMismatched: true to leave tensors of another shape (a new head) as initialised." : "";
            throw new InvalidDataException($"Cannot load the torchvision state dict into model '{Name(model)}': {problems.Count} problem(s): {list}.{hint}");
        }
        if (copies.Count == 0 && state.Count > 0)
        {
            throw new InvalidDataException(
                $"Cannot load the torchvision state dict into model '{Name(model)}': none of its {torchvisionState.Count} tensor(s) fits the model's {state.Count} " +
                $"(first in the file: '{torchvisionState.Keys.FirstOrDefault()}'; first in the model: '{names.Values.First()}'). Is it the weights of another architecture?");
        }
        using (no_grad())
        {
            foreach (var (target, src) in copies) target.copy_(src);
        }
        var report = new WeightsLoadReport(source, model.Name, loaded, skipped, missing, mismatched);
        if (!report.IsComplete)
        {
            var writer = log ?? Console.Error;
            writer.WriteLine(report.ToString());
            writer.Flush();
        }
        return report;
    }

    /// <summary>
    /// Loads a file holding a torchvision state dict into <paramref name="model"/> (see <see cref="LoadStateDict(Model, IDictionary{string, Tensor}, bool, bool, TextWriter?)"/>):
    /// safetensors (<c>.safetensors</c>, what <c>safetensors.torch.save_file(model.state_dict(), path)</c> writes) or a
    /// PyTorch state dict (<c>.pt</c>/<c>.pth</c>, what <c>torch.save(model.state_dict(), path)</c> writes — torchvision's
    /// downloadable weights). PyTorch files are checked before unpickling: only tensors and dictionaries are
    /// accepted, so loading never runs code from the file. Errors and the report name the file.
    /// </summary>
    /// <param name="model">A zoo model.</param>
    /// <param name="path">The file.</param>
    /// <param name="strict">Require an exact fit; false for a backbone (tensors the model lacks are skipped, tensors the file lacks stay as initialised).</param>
    /// <param name="skipMismatched">With <c>strict: false</c>, leave tensors of another shape (a head for another number of classes) as initialised.</param>
    /// <param name="log">Where the report of a partial load is written; standard error when null.</param>
    /// <returns>Which tensors were loaded, skipped, missing and mismatched.</returns>
    public static WeightsLoadReport LoadWeights(Model model, string path, bool strict = true, bool skipMismatched = false, TextWriter? log = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Guard.NotEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"Weights file '{path}' does not exist.", path);
        var tensors = FormatOf(path) == WeightsFormat.Safetensors ? Safetensors.Read(File.ReadAllBytes(path), path) : PyTorchWeights.Read(path);
        try
        {
            return LoadStateDict(model, tensors, strict, skipMismatched, log, $"'{path}'");
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
    /// PyTorch state dict (<c>.pt</c>/<c>.pth</c>, the layout of torchvision's published weights), for
    /// <c>torchvision_model.load_state_dict(...)</c> in PyTorch. Written atomically: a crash never leaves a partial file.
    /// </summary>
    public static void SaveWeights(Model model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        Guard.NotEmpty(path);
        var format = FormatOf(path);
        var tensors = ExportStateDict(model);
        try
        {
            var ordered = tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList();
            AtomicFile.Write(path, stream =>
            {
                if (format == WeightsFormat.Safetensors) Safetensors.Write(stream, ordered, new Dictionary<string, string> { ["format"] = "pt" });
                else PyTorchWeights.Write(stream, ordered);
            });
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
