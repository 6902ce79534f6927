using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Kernelwise.Formats;

/// <summary>
/// Moves a model's parameters and buffers (its state dict, PyTorch's names such as <c>conv2d.weight</c>) to and from
/// name → tensor dictionaries, with one clear error that lists every missing, unexpected and mis-shaped tensor.
/// </summary>
internal static class StateDict
{
    /// <summary>Copies of the module's parameters and buffers on the CPU, in state-dict order; the caller disposes them.</summary>
    public static List<KeyValuePair<string, Tensor>> Capture(nn.Module module)
    {
        var result = new List<KeyValuePair<string, Tensor>>();
        using var _ = no_grad();
        using var scope = NewDisposeScope(); // intermediates (detach, cpu) die here; the copies are detached from it
        foreach (var (name, t) in module.state_dict())
            result.Add(new(name, t.detach().cpu().clone().DetachFromDisposeScope()));
        return result;
    }

    /// <summary>
    /// Checks that <paramref name="source"/> matches the module exactly (same names, shapes; dtypes are converted),
    /// then copies it in. Nothing is changed when anything is wrong.
    /// </summary>
    /// <param name="module">The target.</param>
    /// <param name="source">Tensors by name (not disposed here).</param>
    /// <param name="path">The file, for the error message.</param>
    /// <param name="modelName">The model's name, for the error message.</param>
    /// <param name="strict">When false, missing and unexpected names are allowed (mis-shaped tensors never are).</param>
    public static void Apply(nn.Module module, IReadOnlyDictionary<string, Tensor> source, string path, string modelName, bool strict = true)
    {
        using var scope = NewDisposeScope();
        var target = module.state_dict();
        var missing = target.Keys.Where(k => !source.ContainsKey(k)).ToList();
        var unexpected = source.Keys.Where(k => !target.ContainsKey(k)).ToList();
        var misShaped = target.Where(kv => source.TryGetValue(kv.Key, out var s) && !s.shape.SequenceEqual(kv.Value.shape))
            .Select(kv => $"{kv.Key}: file has [{string.Join(", ", source[kv.Key].shape)}], model expects [{string.Join(", ", kv.Value.shape)}]")
            .ToList();
        var notNumeric = target.Where(kv => source.TryGetValue(kv.Key, out var s) && (s.dtype == ScalarType.Bool) != (kv.Value.dtype == ScalarType.Bool))
            .Select(kv => $"{kv.Key}: file has {source[kv.Key].dtype}, model expects {kv.Value.dtype}")
            .ToList();
        if (misShaped.Count > 0 || notNumeric.Count > 0 || (strict && (missing.Count > 0 || unexpected.Count > 0)))
        {
            var b = new StringBuilder($"Could not load weights from '{path}' into model '{modelName}':");
            if (strict && missing.Count > 0) b.Append($" {missing.Count} missing ({string.Join(", ", missing)});");
            if (strict && unexpected.Count > 0) b.Append($" {unexpected.Count} unexpected ({string.Join(", ", unexpected)});");
            if (misShaped.Count > 0) b.Append($" {misShaped.Count} with the wrong shape ({string.Join("; ", misShaped)});");
            if (notNumeric.Count > 0) b.Append($" {notNumeric.Count} with an incompatible dtype ({string.Join("; ", notNumeric)});");
            b.Length--;
            b.Append(". The file must come from a model with the same layers, names and sizes.");
            throw new CheckpointException(path, b.ToString());
        }
        using var _ = no_grad();
        foreach (var (name, t) in target)
        {
            if (source.TryGetValue(name, out var s)) t.copy_(s);
        }
    }
}
