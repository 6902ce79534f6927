using Kernelwise.Data;
using Kernelwise.Layers;
using Kernelwise.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Kernelwise.Models;

// Model, continued: freezing and unfreezing layers for fine-tuning.
public partial class Model
{
    /// <summary>Names of the frozen top-level layers.</summary>
    public IReadOnlyCollection<string> FrozenLayers => _frozen;

    /// <summary>
    /// Freezes the named top-level layers for fine-tuning (Keras's <c>layer.trainable = False</c>, PyTorch's
    /// <c>requires_grad_(False)</c>): their weights stop changing, and their batch-norm statistics are no longer
    /// updated (frozen batch normalization runs in inference mode, as in Keras). Takes effect at the next training
    /// step; no recompile is needed and the optimizer's state is kept.
    /// </summary>
    /// <returns>The same model, so calls can be chained.</returns>
    public Model Freeze(params string[] layerNames) => SetFrozen(true, ResolveLayers(layerNames));

    /// <summary>Freezes the top-level layers in <paramref name="layers"/> (by position, e.g. <c>..^1</c>: all but the last).</summary>
    public Model Freeze(Range layers) => SetFrozen(true, ResolveLayers(layers));

    /// <summary>
    /// Freezes every top-level layer before <paramref name="layerName"/> — the backbone, when the named layer is the first
    /// of a new head (Keras's <c>base_model.trainable = False</c>, fastai's <c>freeze</c>).
    /// </summary>
    /// <returns>The same model, so calls can be chained.</returns>
    public Model FreezeBefore(string layerName) => SetFrozen(true, ResolveLayers(..IndexOf(layerName)));

    /// <summary>
    /// Unfreezes <paramref name="layerName"/> and every top-level layer after it (fastai's <c>freeze_to</c>), for the
    /// second stage of fine-tuning: the late layers train, the early ones stay frozen.
    /// </summary>
    /// <returns>The same model, so calls can be chained.</returns>
    public Model UnfreezeFrom(string layerName) => SetFrozen(false, ResolveLayers(IndexOf(layerName)..));

    /// <summary>The position of the top-level layer named <paramref name="layerName"/> in <see cref="Layers"/>.</summary>
    /// <exception cref="ArgumentException">No such layer; the message lists the layers.</exception>
    public int IndexOf(string layerName)
    {
        Guard.NotEmpty(layerName);
        for (int i = 0; i < Layers.Count; i++)
        {
            if (Layers[i].Name == layerName) return i;
        }
        throw new ArgumentException($"Model '{Name}' has no layer named '{layerName}'. Its layers are: {string.Join(", ", Layers.Select(l => l.Name))}.", nameof(layerName));
    }

    /// <summary>Unfreezes the named layers; with no names, every layer.</summary>
    public Model Unfreeze(params string[] layerNames)
        => SetFrozen(false, layerNames.Length == 0 ? Layers.Select(l => l.Name).ToList() : ResolveLayers(layerNames));

    /// <summary>Unfreezes the top-level layers in <paramref name="layers"/> (by position).</summary>
    public Model Unfreeze(Range layers) => SetFrozen(false, ResolveLayers(layers));

    private List<string> ResolveLayers(string[] names)
    {
        ArgumentNullException.ThrowIfNull(names);
        if (names.Length == 0) throw new ArgumentException("Invalid value for argument layerNames. Expected at least one layer name.", nameof(names));
        foreach (var n in names)
        {
            if (!Layers.Any(l => l.Name == n))
                throw new ArgumentException($"Model '{Name}' has no layer named '{n}'. Its layers are: {string.Join(", ", Layers.Select(l => l.Name))}.", nameof(names));
        }
        return names.ToList();
    }

    private List<string> ResolveLayers(Range range)
    {
        var (offset, length) = range.GetOffsetAndLength(Layers.Count);
        return Layers.Skip(offset).Take(length).Select(l => l.Name).ToList();
    }

    private Model SetFrozen(bool frozen, IEnumerable<string> names)
    {
        var children = _network.named_children().ToDictionary(c => c.name, c => c.module);
        foreach (var name in names)
        {
            if (frozen) _frozen.Add(name);
            else _frozen.Remove(name);
            if (!children.TryGetValue(name, out var module)) continue; // layers without a module of their own
            foreach (var p in module.parameters())
            {
                p.requires_grad = !frozen;
                if (frozen) p.grad = null; // a zeroed gradient would still move the weight through momentum or weight decay
            }
        }
        return this;
    }

    /// <summary>Switches mode; in training mode, frozen layers' batch normalization stays in inference mode.</summary>
    protected internal override void SetTrainingMode(bool training)
    {
        base.SetTrainingMode(training);
        if (!training || _frozen.Count == 0) return;
        foreach (var (name, module) in _network.named_children())
        {
            if (!_frozen.Contains(name)) continue;
            foreach (var m in module.modules().Prepend(module))
            {
                if (m is TorchSharp.Modules.BatchNorm) m.eval();
            }
        }
    }
}
