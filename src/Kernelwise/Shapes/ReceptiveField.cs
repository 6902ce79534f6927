
namespace Kernelwise.Shapes;

/// <summary>
/// Receptive field and jump (effective stride) of one output unit, layer after layer — the quantities a CNN chapter
/// reasons with. Per spatial dimension, starting from r = 1, j = 1 at the input, a window of kernel k, dilation d and
/// stride s gives r ← r + d(k − 1)·j and j ← j·s: r is how many input pixels one output unit sees, j how many input
/// pixels apart two neighbouring output units are.
/// </summary>
/// <remarks>
/// Layers without a window (activations, normalization, dropout, zero padding) leave both unchanged. They become
/// undefined ("-" in the summary) when the output is no longer spatial (Flatten, Dense), and after a layer whose
/// outputs do not sit on an integer grid over its input (<see cref="SpatialWindow.IsIrregular"/>: upsampling, a
/// transposed convolution with stride above 1, a reshape): their jump would be a fraction of an input pixel. A
/// transposed convolution with stride 1 is a convolution with the flipped kernel and grows r like one.
/// </remarks>
public static class ReceptiveField
{
    /// <summary>
    /// The receptive field and jump after a layer with input <paramref name="input"/>, output <paramref name="output"/>
    /// and window <paramref name="window"/>, given those before it; null where undefined.
    /// </summary>
    public static (int[]? Field, int[]? Jump) Propagate(int[]? field, int[]? jump, Shape input, Shape output, SpatialWindow? window)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        if (field is null || jump is null || field.Length != input.Rank - 1) return (null, null);
        if (window is not null)
        {
            if (window.IsIrregular || window.Kernel.Length != field.Length) return (null, null);
            var r = new int[field.Length];
            var j = new int[field.Length];
            for (int i = 0; i < field.Length; i++)
            {
                r[i] = field[i] + window.Dilation[i] * (window.Kernel[i] - 1) * jump[i];
                j[i] = jump[i] * window.Stride[i];
            }
            return (r, j);
        }
        return output.Rank == input.Rank ? ((int[])field.Clone(), (int[])jump.Clone()) : (null, null);
    }
}
