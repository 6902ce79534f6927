#:project ../src/Kernelwise/Kernelwise.csproj
#:package System.CommandLine
// The chapter's worked example of backpropagation through a convolution, with the numbers filled in.
// A 3×3 input X convolved with a 2×2 kernel W (plus a bias b) gives a 2×2 output Y. Given the output gradient
// G = ∂L/∂Y, the derivation says what ∂L/∂W, ∂L/∂X and ∂L/∂b are; this script writes every sum out, then runs the same
// example through Kernelwise's explicit convolution and through libtorch's conv2d + autograd, side by side.
//
//   dotnet run examples/explicit-conv.cs
//
// The derivation is in docs/explicit-conv.md. Indices are 1-based, as in the text.
using System.CommandLine;
using System.Globalization;
using Kernelwise.Explicit;
using Kernelwise.Platform;
using static TorchSharp.torch;

var options = new RootCommand("Backpropagation through a 2×2 convolution, every sum written out, checked against libtorch.").Parse(args);
if (options.Action is not null) return options.Invoke(); // --help, or what is wrong with the arguments
// This script calls TorchSharp before any Kernelwise type, so Kernelwise gets its native library in place first.
KernelwiseRuntime.EnsureNativeLibraries();
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

double[,] X = { { 1, 2, 3 }, { 4, 5, 6 }, { 7, 8, 9 } };
double[,] W = { { 1, 2 }, { 3, 4 } };
double[,] G = { { 1, -1 }, { 2, 0.5 } };
const double B = 0.5;

static string N(double v) => v < 0 ? $"({v:0.###})" : $"{v:0.###}";

static void PrintMatrix(string name, double[,] m)
{
    Console.WriteLine($"{name} =");
    for (int i = 0; i < m.GetLength(0); i++)
        Console.WriteLine("    [ " + string.Join("  ", Enumerable.Range(0, m.GetLength(1)).Select(j => $"{m[i, j],5:0.###}")) + " ]");
}

Console.WriteLine("Forward: y_ij = Σ_ab w_ab · x_(i+a−1)(j+b−1) + b   (cross-correlation, as every deep-learning library computes it)");
Console.WriteLine();
PrintMatrix("X", X);
PrintMatrix("W", W);
Console.WriteLine($"b = {N(B)}");
Console.WriteLine();

var Y = new double[2, 2];
for (int i = 0; i < 2; i++)
{
    for (int j = 0; j < 2; j++)
    {
        var symbols = new List<string>();
        var numbers = new List<string>();
        double sum = B;
        for (int a = 0; a < 2; a++)
        {
            for (int c = 0; c < 2; c++)
            {
                symbols.Add($"w{a + 1}{c + 1}·x{i + a + 1}{j + c + 1}");
                numbers.Add($"{N(W[a, c])}·{N(X[i + a, j + c])}");
                sum += W[a, c] * X[i + a, j + c];
            }
        }
        Y[i, j] = sum;
        Console.WriteLine($"y{i + 1}{j + 1} = {string.Join(" + ", symbols)} + b = {string.Join(" + ", numbers)} + {N(B)} = {N(sum)}");
    }
}
Console.WriteLine();
Console.WriteLine("As im2col: each column of X̂ is one window (x11 x12 x21 x22 of that window), and Y = W·X̂ + b with W as the row [w11 w12 w21 w22]:");
var columns = new double[4, 4];
for (int i = 0; i < 2; i++)
    for (int j = 0; j < 2; j++)
        for (int a = 0; a < 2; a++)
            for (int c = 0; c < 2; c++)
                columns[a * 2 + c, i * 2 + j] = X[i + a, j + c];
PrintMatrix("X̂", columns);
Console.WriteLine();

Console.WriteLine("Backward: the loss hands us G = ∂L/∂Y.");
PrintMatrix("G", G);
Console.WriteLine();

Console.WriteLine("∂L/∂w_ab = Σ_ij ∂L/∂y_ij · x_(i+a−1)(j+b−1): tap w_ab multiplied one input pixel per output, so its gradient sums G times those pixels (∂L/∂W = G·X̂ᵀ).");
var dW = new double[2, 2];
for (int a = 0; a < 2; a++)
{
    for (int c = 0; c < 2; c++)
    {
        var symbols = new List<string>();
        var numbers = new List<string>();
        for (int i = 0; i < 2; i++)
        {
            for (int j = 0; j < 2; j++)
            {
                symbols.Add($"g{i + 1}{j + 1}·x{i + a + 1}{j + c + 1}");
                numbers.Add($"{N(G[i, j])}·{N(X[i + a, j + c])}");
                dW[a, c] += G[i, j] * X[i + a, j + c];
            }
        }
        Console.WriteLine($"  ∂L/∂w{a + 1}{c + 1} = {string.Join(" + ", symbols)} = {string.Join(" + ", numbers)} = {N(dW[a, c])}");
    }
}
Console.WriteLine();

Console.WriteLine("∂L/∂x_mn = Σ over the windows that contain x_mn of ∂L/∂y_ij · (the tap that covered it): ∂L/∂X̂ = Wᵀ·G, then col2im adds each column back onto its window.");
var dX = new double[3, 3];
for (int m = 0; m < 3; m++)
{
    for (int n = 0; n < 3; n++)
    {
        var symbols = new List<string>();
        var numbers = new List<string>();
        for (int i = 0; i < 2; i++)
        {
            for (int j = 0; j < 2; j++)
            {
                int a = m - i, c = n - j;
                if (a is < 0 or > 1 || c is < 0 or > 1) continue;
                symbols.Add($"g{i + 1}{j + 1}·w{a + 1}{c + 1}");
                numbers.Add($"{N(G[i, j])}·{N(W[a, c])}");
                dX[m, n] += G[i, j] * W[a, c];
            }
        }
        Console.WriteLine($"  ∂L/∂x{m + 1}{n + 1} = {string.Join(" + ", symbols)} = {string.Join(" + ", numbers)} = {N(dX[m, n])}");
    }
}
Console.WriteLine();

double dB = 0;
foreach (var g in G) dB += g;
Console.WriteLine($"∂L/∂b = Σ_ij ∂L/∂y_ij = g11 + g12 + g21 + g22 = {N(G[0, 0])} + {N(G[0, 1])} + {N(G[1, 0])} + {N(G[1, 1])} = {N(dB)}");
Console.WriteLine();

// The same example through the explicit convolution (hand-written backward) and libtorch (conv2d + autograd).
(double[] Y, double[] DX, double[] DW, double DB) Run(bool useExplicit)
{
    using var scope = NewDisposeScope();
    var x = tensor(X.Cast<double>().ToArray(), new long[] { 1, 1, 3, 3 }).requires_grad_(true);
    var w = tensor(W.Cast<double>().ToArray(), new long[] { 1, 1, 2, 2 }).requires_grad_(true);
    var b = tensor(new[] { B }).requires_grad_(true);
    var y = useExplicit ? ExplicitConvolution.Conv2D(x, w, b) : nn.functional.conv2d(x, w, b);
    y.backward(new[] { tensor(G.Cast<double>().ToArray(), new long[] { 1, 1, 2, 2 }) });
    return (y.detach().data<double>().ToArray(), x.grad!.data<double>().ToArray(), w.grad!.data<double>().ToArray(), b.grad!.item<double>());
}
var mine = Run(useExplicit: true);
var libtorch = Run(useExplicit: false);

Console.WriteLine("| quantity | by hand | Kernelwise explicit | libtorch |");
Console.WriteLine("|---|---:|---:|---:|");
bool allEqual = true;
void Row(string name, double hand, double a, double b)
{
    allEqual &= hand == a && a == b;
    Console.WriteLine($"| {name} | {hand:0.###} | {a:0.###} | {b:0.###} |");
}
for (int i = 0; i < 2; i++) for (int j = 0; j < 2; j++) Row($"y{i + 1}{j + 1}", Y[i, j], mine.Y[i * 2 + j], libtorch.Y[i * 2 + j]);
for (int i = 0; i < 2; i++) for (int j = 0; j < 2; j++) Row($"∂L/∂w{i + 1}{j + 1}", dW[i, j], mine.DW[i * 2 + j], libtorch.DW[i * 2 + j]);
for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) Row($"∂L/∂x{i + 1}{j + 1}", dX[i, j], mine.DX[i * 3 + j], libtorch.DX[i * 3 + j]);
Row("∂L/∂b", dB, mine.DB, libtorch.DB);
Console.WriteLine();
Console.WriteLine(allEqual
    ? "All three columns agree exactly."
    : "Mismatch: the columns differ (see above).");
return allEqual ? 0 : 1;
