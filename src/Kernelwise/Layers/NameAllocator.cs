namespace Kernelwise.Layers;

/// <summary>
/// Gives every layer (and input) of a model a unique name, Keras-style: the first Conv2D is <c>conv2d</c>, the next
/// <c>conv2d_1</c>. A name given by the user is kept, and a duplicate is an error naming both.
/// </summary>
public sealed class NameAllocator
{
    private readonly Dictionary<string, int> _counters = new();
    private readonly Dictionary<string, object> _owners = new();

    /// <summary>Names <paramref name="layer"/> (its requested name, or the next free generated one). Naming the same layer again keeps its name.</summary>
    public void Assign(Layer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        layer.AssignName(Reserve(layer.RequestedName, layer.DefaultNamePrefix, layer));
    }

    /// <summary>Reserves <paramref name="requested"/> or, when null, the next free name starting with <paramref name="prefix"/>.</summary>
    /// <exception cref="ModelBuildException">The requested name is already taken by something else.</exception>
    public string Reserve(string? requested, string prefix, object? owner = null)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        owner ??= new object();
        if (requested is not null)
        {
            if (_owners.TryGetValue(requested, out var existing))
            {
                if (ReferenceEquals(existing, owner)) return requested;
                throw new ModelBuildException(requested, owner is Layer && existing is Layer
                    ? $"Two layers are named '{requested}'; layer names must be unique within a model."
                    : $"A layer and an input are both named '{requested}'; names must be unique within a model.");
            }
            _owners[requested] = owner;
            return requested;
        }
        foreach (var (name, o) in _owners)
        {
            if (ReferenceEquals(o, owner)) return name;
        }
        _counters.TryGetValue(prefix, out int n);
        string candidate;
        do
        {
            candidate = n == 0 ? prefix : $"{prefix}_{n}";
            n++;
        } while (_owners.ContainsKey(candidate));
        _counters[prefix] = n;
        _owners[candidate] = owner;
        return candidate;
    }
}
