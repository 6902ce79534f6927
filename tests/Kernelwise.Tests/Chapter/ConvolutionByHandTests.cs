using Kernelwise.Layers;
using Kernelwise.Models;
using static Kernelwise.Tests.Layers.LayerTesting;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Chapter;

/// <summary>
/// The chapter's convolutions computed by hand — loops over the textbook formula — against Kernelwise's layers holding
/// the same weights: 2D (examples/chapter/convolution-2d.cs), 1D (convolution-1d.cs) and 3D (convolution-3d.cs).
/// </summary>
public class ConvolutionByHandTests
{
    /// <summary>y[i, j] = Σ_p Σ_q w[p, q]·x[i + p, j + q] + b over the valid positions of one channel.</summary>
    private static double[,] CrossCorrelate(double[,] x, double[,] w, double b)
    {
        int kh = w.GetLength(0), kw = w.GetLength(1), oh = x.GetLength(0) - kh + 1, ow = x.GetLength(1) - kw + 1;
        var y = new double[oh, ow];
        for (int i = 0; i < oh; i++)
            for (int j = 0; j < ow; j++)
            {
                double sum = b;
                for (int p = 0; p < kh; p++)
                    for (int q = 0; q < kw; q++)
                        sum += w[p, q] * x[i + p, j + q];
                y[i, j] = sum;
            }
        return y;
    }

    private static double[,] Matrix(Tensor t)
    {
        var values = t.detach().contiguous().to_type(ScalarType.Float64).data<double>().ToArray();
        int rows = (int)t.shape[^2], columns = (int)t.shape[^1];
        var m = new double[rows, columns];
        for (int i = 0; i < rows; i++) for (int j = 0; j < columns; j++) m[i, j] = values[i * columns + j];
        return m;
    }

    private static Tensor Tensor(double[,] m) => tensor(m.Cast<double>().Select(v => (float)v).ToArray(), new long[] { 1, 1, m.GetLength(0), m.GetLength(1) });

    [Fact]
    public void Should_GiveTheSobelResponseOfTheScript_When_A3x3KernelSlidesOverThe5x5Image()
    {
        double[,] x = { { 0, 0, 1, 3, 3 }, { 0, 0, 1, 3, 3 }, { 0, 1, 2, 3, 3 }, { 0, 0, 1, 3, 3 }, { 0, 0, 1, 3, 3 } };
        double[,] w = { { -1, 0, 1 }, { -2, 0, 2 }, { -1, 0, 1 } };
        var byHand = CrossCorrelate(x, w, 0.5);
        Assert.Equal(new double[,] { { 5.5, 11.5, 7.5 }, { 6.5, 10.5, 6.5 }, { 5.5, 11.5, 7.5 } }, byHand);
        using var model = Build(new Conv2D(1, 3), new Shape(1, 5, 5));
        using var scope = NewDisposeScope();
        using (no_grad())
        {
            Parameter(model, "weight").copy_(Tensor(w));
            Parameter(model, "bias").fill_(0.5);
        }
        Assert.Equal(byHand, Matrix(model.GraphModule.forward(Tensor(x))));
    }

    [Fact]
    public void Should_EqualTheLayer_When_RandomImagesAndKernelsAreCorrelatedByHand()
    {
        var rng = new Random(41);
        for (int trial = 0; trial < 10; trial++)
        {
            int n = rng.Next(3, 9), k = rng.Next(1, Math.Min(n, 5) + 1);
            var x = new double[n, n];
            var w = new double[k, k];
            for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) x[i, j] = rng.Next(-4, 5);
            for (int i = 0; i < k; i++) for (int j = 0; j < k; j++) w[i, j] = rng.Next(-3, 4);
            double b = rng.Next(-2, 3);
            using var model = Build(new Conv2D(1, k), new Shape(1, n, n));
            using var scope = NewDisposeScope();
            using (no_grad())
            {
                Parameter(model, "weight").copy_(Tensor(w));
                Parameter(model, "bias").fill_(b);
            }
            Assert.Equal(CrossCorrelate(x, w, b), Matrix(model.GraphModule.forward(Tensor(x)))); // small integers: exact in float32
        }
    }

    [Fact]
    public void Should_EqualTheCrossCorrelationWithTheRotatedKernel_When_TheKernelIsFlipped()
    {
        // The mathematician's convolution (x ∗ w)[i, j] = Σ w[p, q]·x[i + k − 1 − p, j + k − 1 − q] is the layer's
        // cross-correlation with w rotated by 180°.
        var rng = new Random(42);
        var x = new double[6, 6];
        var w = new double[3, 3];
        for (int i = 0; i < 6; i++) for (int j = 0; j < 6; j++) x[i, j] = rng.Next(-4, 5);
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) w[i, j] = rng.Next(-3, 4);
        var convolution = new double[4, 4];
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++)
                for (int p = 0; p < 3; p++)
                    for (int q = 0; q < 3; q++)
                        convolution[i, j] += w[p, q] * x[i + 2 - p, j + 2 - q];
        var rotated = new double[3, 3];
        for (int p = 0; p < 3; p++) for (int q = 0; q < 3; q++) rotated[p, q] = w[2 - p, 2 - q];
        Assert.Equal(convolution, CrossCorrelate(x, rotated, 0));
        using var model = Build(new Conv2D(1, 3, useBias: false), new Shape(1, 6, 6));
        using var scope = NewDisposeScope();
        using (no_grad()) Parameter(model, "weight").copy_(Tensor(w).flip(2, 3));
        Assert.Equal(convolution, Matrix(model.GraphModule.forward(Tensor(x))));
    }

    [Fact]
    public void Should_SmoothAndDifferentiateTheSignal_When_Conv1DHoldsAMovingAverageAndADifference()
    {
        const int length = 24;
        var signal = Enumerable.Range(0, length).Select(t => (t >= 8 ? 1f : 0f) + (t == 16 ? 1.5f : 0f)).ToArray();
        float[] smooth = { 1f / 3, 1f / 3, 1f / 3 }, edge = { -1, 0, 1 };
        using var model = Build(new Conv1D(2, 3, padding: Padding.Same, useBias: false), new Shape(1, length));
        using var scope = NewDisposeScope();
        using (no_grad()) model.Network.parameters().Single().copy_(tensor(smooth.Concat(edge).ToArray(), new long[] { 2, 1, 3 }));
        var y = model.GraphModule.forward(tensor(signal, new long[] { 1, 1, length }));
        for (int t = 0; t < length; t++)
        {
            // y[t] = Σ_p w[p]·x[t + p − 1], zero outside the signal ("same" padding).
            float Sample(int i) => i is >= 0 and < length ? signal[i] : 0f;
            float average = (Sample(t - 1) + Sample(t) + Sample(t + 1)) / 3, difference = Sample(t + 1) - Sample(t - 1);
            Assert.Equal(average, y[0, 0, t].item<float>(), 1e-6f);
            Assert.Equal(difference, y[0, 1, t].item<float>(), 1e-6f);
        }
        // The difference fires on the rising edge (t = 7, 8) and around the spike, nowhere else.
        var fired = Enumerable.Range(0, length).Where(t => Math.Abs(y[0, 1, t].item<float>()) > 1e-6).ToArray();
        Assert.Equal(new[] { 7, 8, 15, 17, 23 }, fired);
    }

    [Fact]
    public void Should_SumTwentySevenProducts_When_Conv3DComputesOneVoxel()
    {
        var rng = new Random(43);
        using var model = Build(new Conv3D(2, 3, padding: Padding.Same), new Shape(2, 5, 6, 7));
        using var scope = NewDisposeScope();
        manual_seed(43);
        var x = randn(new long[] { 1, 2, 5, 6, 7 });
        var y = model.GraphModule.forward(x);
        var w = Parameter(model, "weight");
        var b = Parameter(model, "bias");
        for (int trial = 0; trial < 20; trial++)
        {
            int f = rng.Next(2), d = rng.Next(5), h = rng.Next(6), v = rng.Next(7);
            double sum = b[f].item<float>();
            for (int c = 0; c < 2; c++)
                for (int a = 0; a < 3; a++)
                    for (int p = 0; p < 3; p++)
                        for (int q = 0; q < 3; q++)
                        {
                            int dd = d + a - 1, hh = h + p - 1, vv = v + q - 1;
                            if (dd is < 0 or >= 5 || hh is < 0 or >= 6 || vv is < 0 or >= 7) continue; // the zero border
                            sum += w[f, c, a, p, q].item<float>() * (double)x[0, c, dd, hh, vv].item<float>();
                        }
            Assert.Equal(sum, y[0, f, d, h, v].item<float>(), 1e-4);
        }
    }
}
