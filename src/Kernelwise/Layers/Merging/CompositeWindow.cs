using Kernelwise.Shapes;

namespace Kernelwise.Layers;

/// <summary>Receptive-field arithmetic for composite layers: the window of a path, and of several paths side by side.</summary>
internal static class CompositeWindow
{
    /// <summary>
    /// The window of a chain of layers on <paramref name="input"/>: receptive field r ← r + d(k − 1)·j, jump j ← j·s and
    /// start offset o ← o − p_before·j for each windowed layer, returned as kernel r, stride j, padding −o. Null when
    /// the chain leaves the spatial layout.
    /// </summary>
    public static SpatialWindow? OfPath(LayerStack layers, Shape input)
    {
        int n = input.Rank - 1;
        if (n <= 0) return null;
        var r = Enumerable.Repeat(1, n).ToArray();
        var j = Enumerable.Repeat(1, n).ToArray();
        var o = new int[n];
        var shape = input;
        foreach (var layer in layers.Layers)
        {
            var output = layer.ComputeOutputShape(shape);
            var w = layer.GetSpatialWindow(shape);
            if (w is not null && w.Kernel.Length == n)
            {
                for (int i = 0; i < n; i++)
                {
                    o[i] -= w.PaddingBefore[i] * j[i];
                    r[i] += w.Dilation[i] * (w.Kernel[i] - 1) * j[i];
                    j[i] *= w.Stride[i];
                }
            }
            else if (output.Rank != shape.Rank)
            {
                return null;
            }
            shape = output;
        }
        return new SpatialWindow(r, j, Enumerable.Repeat(1, n).ToArray(), o.Select(v => -v).ToArray());
    }

    /// <summary>
    /// The window of paths applied side by side and merged: per dimension the largest receptive field, jump and
    /// padding (an output unit sees the union of what each path sees). Null when any path is not spatial.
    /// </summary>
    public static SpatialWindow? Merge(IEnumerable<SpatialWindow?> windows)
    {
        SpatialWindow? merged = null;
        foreach (var w in windows)
        {
            if (w is null) return null;
            if (merged is null)
            {
                merged = w;
                continue;
            }
            if (w.Kernel.Length != merged.Kernel.Length) return null;
            merged = new SpatialWindow(
                merged.Kernel.Zip(w.Kernel, Math.Max).ToArray(),
                merged.Stride.Zip(w.Stride, Math.Max).ToArray(),
                merged.Dilation,
                merged.PaddingBefore.Zip(w.PaddingBefore, Math.Max).ToArray());
        }
        return merged;
    }
}
