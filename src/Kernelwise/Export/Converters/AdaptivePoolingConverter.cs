using Kernelwise.Layers;
using static Kernelwise.Export.OnnxGraphBuilder;
using static TorchSharp.torch;

namespace Kernelwise.Export.Converters;

/// <summary>
/// Adaptive average pooling (1D, 2D, 3D). ONNX has no adaptive operator, but the output size is fixed at export time:
/// <list type="bullet">
/// <item>when every input size is a multiple of its output size, the windows are regular: <c>AveragePool</c> with kernel
/// = stride = input / output;</item>
/// <item>otherwise PyTorch's windows (<c>start = ⌊i·n/o⌋</c>, <c>end = ⌈(i + 1)·n/o⌉</c>) overlap and vary in size; their
/// average is separable over the dimensions, so the export multiplies by one constant averaging matrix <c>[o, n]</c> per
/// dimension (<c>MatMul</c>), last dimension first.</item>
/// </list>
/// </summary>
internal sealed class AdaptivePoolingConverter : OnnxLayerConverter<BaseAdaptivePooling>
{
    protected override string Convert(OnnxConversionContext context, BaseAdaptivePooling layer, nn.Module module, string input, Shape inputShape)
    {
        var n = inputShape.Spatial;
        var o = layer.OutputSize;
        int rank = layer.Rank;
        var g = context.Graph;
        if (n.Zip(o).All(p => p.First % p.Second == 0))
        {
            var k = n.Zip(o).Select(p => p.First / p.Second).ToArray();
            return g.Node("AveragePool", $"{layer.Name}/AveragePool", new[] { input },
                Ints("kernel_shape", k), Ints("strides", k), Ints("pads", new int[2 * rank]));
        }

        // current[d] is the size of spatial dimension d so far (dimensions after d are already pooled).
        var current = (int[])n.Clone();
        string x = input;
        int c = inputShape.Channels;
        for (int d = rank - 1; d >= 0; d--)
        {
            if (n[d] == o[d]) continue;
            var matrix = AveragingMatrix(n[d], o[d]);
            if (d == rank - 1)
            {
                // [..., n] · [n, o] (the matrix transposed).
                string w = g.Initializer($"{layer.Name}.pool_matrix_{d}", Transpose(matrix, o[d], n[d]), new long[] { n[d], o[d] });
                x = g.Node("MatMul", $"{layer.Name}/MatMul_{d}", new[] { x, w });
            }
            else
            {
                // [o, n] · [..., n, rest]: fold the dimensions after d into one so d is second to last.
                long rest = 1;
                for (int j = d + 1; j < rank; j++) rest *= current[j];
                bool fold = d < rank - 2;
                if (fold)
                {
                    var folded = new long[] { 0, c }.Concat(current.Take(d + 1).Select(v => (long)v)).Append(rest).ToArray();
                    x = g.Node("Reshape", $"{layer.Name}/Fold_{d}", new[] { x, g.Int64Initializer($"{layer.Name}.fold_shape_{d}", folded) });
                }
                string w = g.Initializer($"{layer.Name}.pool_matrix_{d}", matrix, new long[] { o[d], n[d] });
                x = g.Node("MatMul", $"{layer.Name}/MatMul_{d}", new[] { w, x });
                current[d] = o[d];
                if (fold)
                {
                    var unfolded = new long[] { 0, c }.Concat(current.Select(v => (long)v)).ToArray();
                    x = g.Node("Reshape", $"{layer.Name}/Unfold_{d}", new[] { x, g.Int64Initializer($"{layer.Name}.unfold_shape_{d}", unfolded) });
                }
                continue;
            }
            current[d] = o[d];
        }
        return x;
    }

    /// <summary>Row i averages PyTorch's adaptive window i: input elements ⌊i·n/o⌋ … ⌈(i + 1)·n/o⌉ − 1.</summary>
    internal static float[] AveragingMatrix(int n, int o)
    {
        var m = new float[o * n];
        for (int i = 0; i < o; i++)
        {
            int start = (int)((long)i * n / o);
            int end = (int)(((long)(i + 1) * n + o - 1) / o);
            for (int j = start; j < end; j++) m[i * n + j] = 1f / (end - start);
        }
        return m;
    }

    private static float[] Transpose(float[] m, int rows, int cols)
    {
        var t = new float[m.Length];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++) t[j * rows + i] = m[i * cols + j];
        }
        return t;
    }
}
