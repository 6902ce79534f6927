using Kernelwise.Layers;
using Kernelwise.Models;
using static Kernelwise.Tests.Layers.LayerTesting;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Layers.Pooling;

public class BasePoolingTests
{
    private static BasePooling Make(int rank, PoolingKind kind, int[] k, int[] s, Padding padding) => (rank, kind) switch
    {
        (1, PoolingKind.Max) => new MaxPooling1D(Size(k), Size(s), padding),
        (2, PoolingKind.Max) => new MaxPooling2D(Size(k), Size(s), padding),
        (3, PoolingKind.Max) => new MaxPooling3D(Size(k), Size(s), padding),
        (1, _) => new AveragePooling1D(Size(k), Size(s), padding),
        (2, _) => new AveragePooling2D(Size(k), Size(s), padding),
        _ => new AveragePooling3D(Size(k), Size(s), padding),
    };

    /// <summary>
    /// Pooling written out one dimension at a time (max and mean over the real elements of a box both factor over
    /// dimensions): output o along a dimension reduces input [o·s − before, o·s − before + k) clipped to the input.
    /// </summary>
    private static Tensor NaivePool(Tensor x, PoolingKind kind, int[] k, int[] s, int[] before, int[] outSize)
    {
        var y = x.alias();
        for (int i = 0; i < k.Length; i++)
        {
            int dim = i + 2;
            long n = y.shape[dim];
            var slices = new List<Tensor>();
            for (int o = 0; o < outSize[i]; o++)
            {
                long lo = Math.Max(o * s[i] - before[i], 0), hi = Math.Min(o * s[i] - before[i] + k[i], n);
                var window = y.narrow(dim, lo, hi - lo);
                slices.Add(kind == PoolingKind.Max ? window.amax(new long[] { dim }, keepdim: true) : window.mean(new long[] { dim }, keepdim: true));
            }
            y = cat(slices, dim);
        }
        return y;
    }

    [Theory]
    [InlineData(1, PoolingKind.Max)]
    [InlineData(2, PoolingKind.Max)]
    [InlineData(3, PoolingKind.Max)]
    [InlineData(1, PoolingKind.Average)]
    [InlineData(2, PoolingKind.Average)]
    [InlineData(3, PoolingKind.Average)]
    public void Should_MatchTheFormulaAndLibtorch_When_ConfigurationsAreRandom(int rank, PoolingKind kind)
    {
        var rng = new Random(7700 + 10 * rank + (int)kind);
        int built = 0;
        for (int trial = 0; trial < 25; trial++)
        {
            int c = rng.Next(1, 4);
            int[] k = rng.Draw(rank, 1, 4), s = rng.Draw(rank, 1, 3), n = rng.Draw(rank, 1, rank == 3 ? 7 : 11);
            int mode = rng.Next(3);
            int[] p = mode == 2 ? k.Select(v => rng.Next(0, v / 2 + 1)).ToArray() : new int[rank];
            var padding = mode switch { 0 => Padding.Valid, 1 => Padding.Same, _ => Padding.Explicit(Size(p)) };
            var layer = Make(rank, kind, k, s, padding);
            var input = ShapeOf(c, n);
            var before = (int[])p.Clone();
            var expected = new int[rank];
            bool fits = true;
            for (int i = 0; i < rank; i++)
            {
                if (mode == 1)
                {
                    expected[i] = (n[i] + s[i] - 1) / s[i];
                    before[i] = Math.Max((expected[i] - 1) * s[i] + k[i] - n[i], 0) / 2;
                }
                else if (k[i] > n[i] + 2 * p[i]) fits = false;
                else expected[i] = (n[i] + 2 * p[i] - k[i]) / s[i] + 1;
            }
            if (!fits)
            {
                Assert.Throws<ModelBuildException>(() => layer.ComputeOutputShape(input));
                continue;
            }
            var output = layer.ComputeOutputShape(input);
            Assert.Equal(ShapeOf(c, expected), output);
            Assert.Equal(0, layer.CountParameters(input).Total);

            using var model = Build(layer, input);
            using var scope = NewDisposeScope();
            var x = randn(input.WithBatch(2));
            var y = model.GraphModule.forward(x);
            AssertClose(NaivePool(x, kind, k, s, before, expected), y);
            // libtorch's avg_pool3d refuses inputs smaller than the window even when padded; the naive reference covers those.
            bool libtorchAccepts = !(rank == 3 && kind == PoolingKind.Average && n.Zip(k).Any(t => t.First < t.Second));
            if (mode != 1 && libtorchAccepts)
            {
                var reference = (rank, kind) switch
                {
                    (1, PoolingKind.Max) => nn.functional.max_pool1d(x, k[0], s[0], p[0]),
                    (2, PoolingKind.Max) => nn.functional.max_pool2d(x, k.L(), s.L(), p.L()),
                    (3, PoolingKind.Max) => nn.functional.max_pool3d(x, k.L(), s.L(), p.L()),
                    (1, _) => nn.functional.avg_pool1d(x, k[0], s[0], p[0], count_include_pad: false),
                    (2, _) => nn.functional.avg_pool2d(x, k.L(), s.L(), p.L(), count_include_pad: false),
                    _ => nn.functional.avg_pool3d(x, k.L(), s.L(), p.L(), count_include_pad: false),
                };
                AssertClose(reference, y);
            }
            built++;
        }
        Assert.True(built >= 15, $"only {built} configurations fitted");
    }

    [Fact]
    public void Should_DefaultToWindowAndStrideTwo_When_NothingIsGiven()
    {
        Assert.Equal(new Shape(3, 5), new MaxPooling1D().ComputeOutputShape(new Shape(3, 11)));
        Assert.Equal(new Shape(3, 2, 3, 4), new AveragePooling3D().ComputeOutputShape(new Shape(3, 4, 6, 9)));
        Assert.Equal(new Shape(3, 4, 4), new MaxPooling2D(3, strides: 2).ComputeOutputShape(new Shape(3, 9, 9)));
    }

    [Fact]
    public void Should_GrowTheReceptiveFieldByTheWindow_When_Stacked()
    {
        var summary = new Sequential(new Shape(2, 64)).Conv1D(4, 3).MaxPooling1D(2).Conv1D(4, 3).AveragePooling1D(3, strides: 1).Summary();
        Assert.Equal(new[] { 3 }, summary.Rows[0].ReceptiveField);
        Assert.Equal(new[] { 4 }, summary.Rows[1].ReceptiveField);
        Assert.Equal(new[] { 2 }, summary.Rows[1].Jump);
        Assert.Equal(new[] { 8 }, summary.Rows[2].ReceptiveField);
        Assert.Equal(new[] { 12 }, summary.Rows[3].ReceptiveField);
    }
}
