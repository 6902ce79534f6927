using Kernelwise.Explicit;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Explicit;

/// <summary>
/// The chapter's worked example: a 3×3 input X convolved (cross-correlated, as in every deep-learning library) with a
/// 2×2 kernel W gives a 2×2 output Y, y_ij = Σ_pq w_pq·x_(i+p−1)(j+q−1) + b. With G = ∂L/∂Y given, every gradient is
/// a short sum the derivation spells out; each is checked here term by term (1-based indices as in the text).
/// </summary>
public class WorkedExampleTests
{
    // X, W and G chosen so that every product is exact in float64.
    private static readonly double[,] X = { { 1, 2, 3 }, { 4, 5, 6 }, { 7, 8, 9 } };
    private static readonly double[,] W = { { 1, 2 }, { 3, 4 } };
    private static readonly double[,] G = { { 1, -1 }, { 2, 0.5 } };
    private const double Bias = 0.5;

    private static double x(int i, int j) => X[i - 1, j - 1];
    private static double w(int i, int j) => W[i - 1, j - 1];
    private static double g(int i, int j) => G[i - 1, j - 1];

    private sealed record Result(double[,] Y, double[,] DX, double[,] DW, double DB);

    private static Result Run(bool useExplicit)
    {
        using var scope = NewDisposeScope();
        var xt = tensor(X.Cast<double>().ToArray(), new long[] { 1, 1, 3, 3 }).requires_grad_(true);
        var wt = tensor(W.Cast<double>().ToArray(), new long[] { 1, 1, 2, 2 }).requires_grad_(true);
        var bt = tensor(new[] { Bias }).requires_grad_(true);
        var y = useExplicit ? ExplicitConvolution.Conv2D(xt, wt, bt) : nn.functional.conv2d(xt, wt, bt);
        y.backward(new[] { tensor(G.Cast<double>().ToArray(), new long[] { 1, 1, 2, 2 }) });
        return new Result(ToArray(y, 2), ToArray(xt.grad!, 3), ToArray(wt.grad!, 2), bt.grad!.item<double>());
    }

    private static double[,] ToArray(Tensor t, int n)
    {
        var values = t.detach().contiguous().data<double>().ToArray();
        var a = new double[n, n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) a[i, j] = values[i * n + j];
        return a;
    }

    [Fact]
    public void Should_ComputeEachOutputAsTheSumOfFourProducts_When_Forward()
    {
        var r = Run(useExplicit: true);
        Assert.Equal(w(1, 1) * x(1, 1) + w(1, 2) * x(1, 2) + w(2, 1) * x(2, 1) + w(2, 2) * x(2, 2) + Bias, r.Y[0, 0]); // y11 = 37.5
        Assert.Equal(w(1, 1) * x(1, 2) + w(1, 2) * x(1, 3) + w(2, 1) * x(2, 2) + w(2, 2) * x(2, 3) + Bias, r.Y[0, 1]); // y12 = 47.5
        Assert.Equal(w(1, 1) * x(2, 1) + w(1, 2) * x(2, 2) + w(2, 1) * x(3, 1) + w(2, 2) * x(3, 2) + Bias, r.Y[1, 0]); // y21 = 67.5
        Assert.Equal(w(1, 1) * x(2, 2) + w(1, 2) * x(2, 3) + w(2, 1) * x(3, 2) + w(2, 2) * x(3, 3) + Bias, r.Y[1, 1]); // y22 = 77.5
        Assert.Equal(37.5, r.Y[0, 0]);
    }

    [Fact]
    public void Should_GiveEachWeightGradientAsTheSumOverOutputsOfGradientTimesTheInputUnderThatTap_When_Backward()
    {
        var r = Run(useExplicit: true);
        // ∂L/∂w_pq = Σ_ij ∂L/∂y_ij · x_(i+p−1)(j+q−1): the kernel tap w_pq touched x at four places, once per output.
        Assert.Equal(g(1, 1) * x(1, 1) + g(1, 2) * x(1, 2) + g(2, 1) * x(2, 1) + g(2, 2) * x(2, 2), r.DW[0, 0]); // ∂L/∂w11 = 9.5
        Assert.Equal(g(1, 1) * x(1, 2) + g(1, 2) * x(1, 3) + g(2, 1) * x(2, 2) + g(2, 2) * x(2, 3), r.DW[0, 1]); // ∂L/∂w12 = 12
        Assert.Equal(g(1, 1) * x(2, 1) + g(1, 2) * x(2, 2) + g(2, 1) * x(3, 1) + g(2, 2) * x(3, 2), r.DW[1, 0]); // ∂L/∂w21 = 17
        Assert.Equal(g(1, 1) * x(2, 2) + g(1, 2) * x(2, 3) + g(2, 1) * x(3, 2) + g(2, 2) * x(3, 3), r.DW[1, 1]); // ∂L/∂w22 = 19.5
        Assert.Equal(9.5, r.DW[0, 0]);
        Assert.Equal(19.5, r.DW[1, 1]);
    }

    [Fact]
    public void Should_GiveEachInputGradientAsTheSumOverTheWindowsThatContainIt_When_Backward()
    {
        var r = Run(useExplicit: true);
        // ∂L/∂x_mn = Σ over outputs y_ij whose window covers x_mn of ∂L/∂y_ij · w_(m−i+1)(n−j+1): corners are in one
        // window, edge midpoints in two, the centre in all four (col2im adds them up).
        Assert.Equal(g(1, 1) * w(1, 1), r.DX[0, 0]);
        Assert.Equal(g(1, 1) * w(1, 2) + g(1, 2) * w(1, 1), r.DX[0, 1]);
        Assert.Equal(g(1, 2) * w(1, 2), r.DX[0, 2]);
        Assert.Equal(g(1, 1) * w(2, 1) + g(2, 1) * w(1, 1), r.DX[1, 0]);
        Assert.Equal(g(1, 1) * w(2, 2) + g(1, 2) * w(2, 1) + g(2, 1) * w(1, 2) + g(2, 2) * w(1, 1), r.DX[1, 1]); // = 5.5
        Assert.Equal(g(1, 2) * w(2, 2) + g(2, 2) * w(1, 2), r.DX[1, 2]);
        Assert.Equal(g(2, 1) * w(2, 1), r.DX[2, 0]);
        Assert.Equal(g(2, 1) * w(2, 2) + g(2, 2) * w(2, 1), r.DX[2, 1]);
        Assert.Equal(g(2, 2) * w(2, 2), r.DX[2, 2]);
        Assert.Equal(5.5, r.DX[1, 1]);
    }

    [Fact]
    public void Should_GiveTheBiasGradientAsTheSumOfAllOutputGradients_When_Backward()
    {
        var r = Run(useExplicit: true);
        Assert.Equal(g(1, 1) + g(1, 2) + g(2, 1) + g(2, 2), r.DB); // = 2.5
    }

    [Fact]
    public void Should_AgreeWithLibtorchExactly_When_TheExampleRunsThroughBoth()
    {
        var mine = Run(useExplicit: true);
        var libtorch = Run(useExplicit: false);
        Assert.Equal(libtorch.Y, mine.Y);
        Assert.Equal(libtorch.DX, mine.DX);
        Assert.Equal(libtorch.DW, mine.DW);
        Assert.Equal(libtorch.DB, mine.DB);
    }
}
