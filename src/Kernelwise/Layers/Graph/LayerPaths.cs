namespace Kernelwise.Layers;

/// <summary>
/// Finds a graph's layers by name, nested ones included: by the layer's model-wide unique name (<c>conv2d_3</c>) or by
/// its dotted path through the composites, the prefix of its weights' names (<c>residual.main.conv2d_3</c>).
/// </summary>
internal static class LayerPaths
{
    /// <summary>Every layer of <paramref name="graph"/> with its dotted path: each top-level layer, then what it holds, depth first.</summary>
    public static IEnumerable<(string Path, Layer Layer)> Walk(LayerGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        foreach (var layer in graph.Layers)
        {
            foreach (var entry in Walk(layer, layer.Name)) yield return entry;
        }
    }

    private static IEnumerable<(string Path, Layer Layer)> Walk(Layer layer, string path)
    {
        yield return (path, layer);
        foreach (var child in layer.Children)
        {
            foreach (var entry in Walk(child, path + "." + child.Name)) yield return entry;
        }
    }

    /// <summary>
    /// The layer named <paramref name="name"/> (a unique layer name or a dotted path), or null. A path of a composite
    /// (<c>residual.main</c>; its name is only unique within its parent) is found by its dotted path only.
    /// </summary>
    public static Layer? Find(LayerGraph graph, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (var (path, layer) in Walk(graph))
        {
            if (path == name) return layer;
            if (layer is not Branch && layer.Name == name) return layer;
        }
        return null;
    }

    /// <summary>
    /// The layer whose output a capture must record to obtain <paramref name="layer"/>'s: a path of a composite produces
    /// the output of its last layer (an empty path, the identity, has none of its own: null).
    /// </summary>
    public static Layer? Producer(Layer layer)
    {
        while (layer is Branch branch)
        {
            if (branch.IsIdentity) return null;
            layer = branch.Layers.Layers[^1];
        }
        return layer;
    }

    /// <summary>The names to suggest when a name is not found: every top-level layer, then every nested layer by its path.</summary>
    public static string Describe(LayerGraph graph)
        => string.Join(", ", Walk(graph).Select(e => e.Path));
}
