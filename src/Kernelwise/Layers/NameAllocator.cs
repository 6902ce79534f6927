
namespace Kernelwise.Layers;

/// <summary>
/// Gives every layer of a model a unique name, Keras-style: the first Conv2D is <c>conv2d</c>, the next <c>conv2d_1</c>.
/// A name given by the user is kept, and a duplicate is an error naming both layers.
/// </summary>
public sealed class NameAllocator
{
    private readonly Dictionary<string, int> _counters = new();
    private readonly HashSet<string> _used = new();

    /// <summary>Names <paramref name="layer"/> (its requested name, or the next free generated one).</summary>
    public void Assign(Layer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (layer.RequestedName is string requested)
        {
            if (!_used.Add(requested))
                throw new ModelBuildException(requested, $"Two layers are named '{requested}'; layer names must be unique within a model.");
            layer.AssignName(requested);
            return;
        }
        string prefix = layer.DefaultNamePrefix;
        _counters.TryGetValue(prefix, out int n);
        string name;
        do
        {
            name = n == 0 ? prefix : $"{prefix}_{n}";
            n++;
        } while (_used.Contains(name));
        _counters[prefix] = n;
        _used.Add(name);
        layer.AssignName(name);
    }
}
