using Kernelwise.Data;
using static TorchSharp.torch;

namespace Kernelwise.Tests;

/// <summary>Small, learnable synthetic image data for fast training tests.</summary>
internal static class SyntheticData
{
    /// <summary>
    /// n images [1, size, size] of noise plus a bright 3×3 block whose position depends on the class (classes
    /// laid out on a grid), so a small CNN learns it in a few steps.
    /// </summary>
    public static TensorDataset Blocks(int n, int classes = 4, int size = 12, int seed = 0)
    {
        var rng = new Random(seed);
        var x = new float[n * size * size];
        var y = new long[n];
        int perRow = (int)Math.Ceiling(Math.Sqrt(classes));
        int cell = size / perRow;
        for (int i = 0; i < n; i++)
        {
            int c = rng.Next(classes);
            y[i] = c;
            for (int p = 0; p < size * size; p++) x[i * size * size + p] = (float)(rng.NextDouble() * 0.3);
            int r0 = (c / perRow) * cell + rng.Next(Math.Max(1, cell - 2));
            int c0 = (c % perRow) * cell + rng.Next(Math.Max(1, cell - 2));
            for (int dr = 0; dr < 3; dr++)
                for (int dc = 0; dc < 3; dc++)
                {
                    int rr = Math.Min(size - 1, r0 + dr), cc = Math.Min(size - 1, c0 + dc);
                    x[i * size * size + rr * size + cc] = 1f;
                }
        }
        return new TensorDataset(tensor(x, new long[] { n, 1, size, size }), tensor(y));
    }
}
