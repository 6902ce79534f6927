#:project ../../src/Kernelwise/Kernelwise.csproj
// Chapter, "Backpropagation through a convolution": the 3×3 input and 2×2 kernel of the worked example, now with a
// loss. With L = ½ Σ (Y − T)² the output gradient is G = Y − T, and the three gradients are themselves convolutions:
//   ∂L/∂W = X ⋆ G      (the input cross-correlated with the output gradient: a "valid" 2×2 result)
//   ∂L/∂X = G ∗ W      (the full convolution: G padded with one ring of zeros, cross-correlated with rot180(W))
//   ∂L/∂b = Σ G
// The script computes each one as a convolution with Kernelwise's explicit Conv2D, checks them against libtorch's
// autograd and against finite differences, and takes one gradient-descent step that lowers the loss. The sums written
// out term by term are in examples/explicit-conv.cs; the derivation in docs/explicit-conv.md.
//   dotnet run examples/chapter/backpropagation.cs
using System.Globalization;
using Kernelwise.Diagnostics;
using Kernelwise.Explicit;
using static TorchSharp.torch;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

var x = tensor(new double[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, new long[] { 1, 1, 3, 3 });
var w = tensor(new double[] { 1, 2, 3, 4 }, new long[] { 1, 1, 2, 2 });
var b = tensor(new[] { 0.5 });
// The target is chosen so that G = Y − T is the worked example's output gradient [[1, −1], [2, 0.5]].
var target = tensor(new double[] { 36.5, 48.5, 65.5, 77 }, new long[] { 1, 1, 2, 2 });

static string M(Tensor t)
{
    var v = t.detach().contiguous().to_type(ScalarType.Float64).data<double>().ToArray();
    int columns = (int)t.shape[^1];
    return string.Join("  ", Enumerable.Range(0, v.Length / columns).Select(r => "[" + string.Join(" ", v.Skip(r * columns).Take(columns).Select(e => $"{e,5:0.###}")) + "]"));
}

var y = ExplicitConvolution.Conv2D(x, w, b);
var g = y - target;                                       // ∂L/∂Y for L = ½ Σ (Y − T)²
double loss = 0.5 * g.pow(2).sum().item<double>();
Console.WriteLine($"X = {M(x)}");
Console.WriteLine($"W = {M(w)}   b = 0.5   T = {M(target)}");
Console.WriteLine($"Y = X ⋆ W + b = {M(y)}   L = ½ Σ (Y − T)² = {loss}");
Console.WriteLine($"G = ∂L/∂Y = Y − T = {M(g)}");
Console.WriteLine();

// ∂L/∂W[p, q] = Σ_ij G[i, j]·X[i + p, j + q]: cross-correlate X with G used as a 2×2 kernel.
var dW = ExplicitConvolution.Conv2D(x, g);
// ∂L/∂X = full convolution of G with W: pad G with k − 1 = 1 zeros, cross-correlate with W rotated by 180°.
var rotated = w.flip(2, 3);
var gPadded = nn.functional.pad(g, new long[] { 1, 1, 1, 1 });
var dX = ExplicitConvolution.Conv2D(gPadded, rotated);
var dXLibrary = ExplicitConvolution.InputGradientByFullConvolution(g, w, 3, 3);
double dB = g.sum().item<double>();
Console.WriteLine($"∂L/∂W = X ⋆ G              = {M(dW)}");
Console.WriteLine($"rot180(W) = {M(rotated)}   G padded = {M(gPadded)}");
Console.WriteLine($"∂L/∂X = pad(G) ⋆ rot180(W) = {M(dX)}   (InputGradientByFullConvolution: {M(dXLibrary)})");
Console.WriteLine($"∂L/∂b = Σ G                = {dB}");
Console.WriteLine();

// libtorch's autograd on the same loss, and finite differences through the explicit convolution.
var xl = x.clone().requires_grad_(true);
var wl = w.clone().requires_grad_(true);
var bl = b.clone().requires_grad_(true);
var lossTensor = 0.5 * (nn.functional.conv2d(xl, wl, bl) - target).pow(2).sum();
lossTensor.backward();
double worst = new[] { (dW - wl.grad!).abs().max(), (dX - xl.grad!).abs().max(), (dB - bl.grad!).abs().max() }.Max(t => t.item<double>());
Console.WriteLine($"libtorch autograd: ∂L/∂W = {M(wl.grad!)}, ∂L/∂X = {M(xl.grad!)}, ∂L/∂b = {bl.grad!.item<double>()}");
Console.WriteLine($"   largest difference from the convolution formulas: {worst:G3}");
var check = GradientChecker.Check(t => 0.5 * (ExplicitConvolution.Conv2D(t[0], t[1], t[2]) - target).pow(2).sum(), new[] { x, w, b }, new[] { "x", "weight", "bias" });
Console.WriteLine($"   {check.ToString().Split('\n')[0].Trim()}");
Console.WriteLine();

// One step of gradient descent on W and b with learning rate 0.001.
const double rate = 0.001;
var w1 = w - rate * dW;
var b1 = b - rate * dB;
double loss1 = 0.5 * (ExplicitConvolution.Conv2D(x, w1, b1) - target).pow(2).sum().item<double>();
Console.WriteLine($"One step W ← W − 0.001·∂L/∂W, b ← b − 0.001·∂L/∂b: W = {M(w1)}, b = {b1.item<double>():0.####}");
Console.WriteLine($"   loss {loss} → {loss1:0.####}");
return worst < 1e-12 && check.Passed && loss1 < loss ? 0 : 1;
