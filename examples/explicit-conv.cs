#:project ../src/Kernelwise/Kernelwise.csproj
#:package System.CommandLine
// The chapter's worked example of backpropagation through a convolution, with the numbers filled in.
// A 3×3 input X convolved with a 2×2 kernel W (plus a bias b) gives a 2×2 output Y. Given the output gradient
// G = ∂L/∂Y, the derivation says what ∂L/∂W, ∂L/∂X and ∂L/∂b are; this script writes every sum out — ∂L/∂X in both
// textbook forms, col2im and the full convolution with the kernel rotated by 180° — then runs the same example through
// Kernelwise's explicit convolution and through libtorch's conv2d + autograd, side by side.
//
//   dotnet run examples/explicit-conv.cs
//
// The derivation is in docs/explicit-conv.md. Indices are 1-based, as in the text: i, j for outputs, p, q for kernel taps,
// m, n for input pixels; b is only the bias.
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

Console.WriteLine("Forward: y_ij = Σ_pq w_pq · x_(i+p−1)(j+q−1) + b   (cross-correlation, as every deep-learning library computes it)");
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
        for (int p = 0; p < 2; p++)
        {
            for (int q = 0; q < 2; q++)
            {
                symbols.Add($"w{p + 1}{q + 1}·x{i + p + 1}{j + q + 1}");
                numbers.Add($"{N(W[p, q])}·{N(X[i + p, j + q])}");
                sum += W[p, q] * X[i + p, j + q];
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
        for (int p = 0; p < 2; p++)
            for (int q = 0; q < 2; q++)
                columns[p * 2 + q, i * 2 + j] = X[i + p, j + q];
PrintMatrix("X̂", columns);
Console.WriteLine();

Console.WriteLine("Backward: the loss hands us G = ∂L/∂Y.");
PrintMatrix("G", G);
Console.WriteLine();

Console.WriteLine("∂L/∂w_pq = Σ_ij ∂L/∂y_ij · x_(i+p−1)(j+q−1): tap w_pq multiplied one input pixel per output, so its gradient sums G times those pixels (∂L/∂W = G·X̂ᵀ).");
var dW = new double[2, 2];
for (int p = 0; p < 2; p++)
{
    for (int q = 0; q < 2; q++)
    {
        var symbols = new List<string>();
        var numbers = new List<string>();
        for (int i = 0; i < 2; i++)
        {
            for (int j = 0; j < 2; j++)
            {
                symbols.Add($"g{i + 1}{j + 1}·x{i + p + 1}{j + q + 1}");
                numbers.Add($"{N(G[i, j])}·{N(X[i + p, j + q])}");
                dW[p, q] += G[i, j] * X[i + p, j + q];
            }
        }
        Console.WriteLine($"  ∂L/∂w{p + 1}{q + 1} = {string.Join(" + ", symbols)} = {string.Join(" + ", numbers)} = {N(dW[p, q])}");
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
                int p = m - i, q = n - j;
                if (p is < 0 or > 1 || q is < 0 or > 1) continue;
                symbols.Add($"g{i + 1}{j + 1}·w{p + 1}{q + 1}");
                numbers.Add($"{N(G[i, j])}·{N(W[p, q])}");
                dX[m, n] += G[i, j] * W[p, q];
            }
        }
        Console.WriteLine($"  ∂L/∂x{m + 1}{n + 1} = {string.Join(" + ", symbols)} = {string.Join(" + ", numbers)} = {N(dX[m, n])}");
    }
}
Console.WriteLine();

Console.WriteLine("The same ∂L/∂X as a full convolution: pad G with k − 1 = 1 ring of zeros, rotate W by 180°, and slide it over the padded G");
Console.WriteLine("(∂L/∂x_mn = Σ_pq gpad_(m+p−1)(n+q−1) · rot_pq, with rot_pq = w_(3−p)(3−q)):");
var gPadded = new double[4, 4];
for (int i = 0; i < 2; i++) for (int j = 0; j < 2; j++) gPadded[i + 1, j + 1] = G[i, j];
var rotated = new double[2, 2];
for (int p = 0; p < 2; p++) for (int q = 0; q < 2; q++) rotated[p, q] = W[1 - p, 1 - q];
PrintMatrix("G padded", gPadded);
PrintMatrix("rot180(W)", rotated);
var dXFull = new double[3, 3];
bool formsAgree = true;
for (int m = 0; m < 3; m++)
{
    for (int n = 0; n < 3; n++)
    {
        var numbers = new List<string>();
        for (int p = 0; p < 2; p++)
        {
            for (int q = 0; q < 2; q++)
            {
                numbers.Add($"{N(gPadded[m + p, n + q])}·{N(rotated[p, q])}");
                dXFull[m, n] += gPadded[m + p, n + q] * rotated[p, q];
            }
        }
        formsAgree &= dXFull[m, n] == dX[m, n];
        Console.WriteLine($"  ∂L/∂x{m + 1}{n + 1} = {string.Join(" + ", numbers)} = {N(dXFull[m, n])}");
    }
}
Console.WriteLine(formsAgree
    ? "Every entry equals the col2im sum above: the zeros of the padding drop exactly the windows that do not contain x_mn."
    : "Mismatch: the full-convolution form differs from the col2im form.");
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
void Row(string name, double hand, double kernelwise, double reference)
{
    allEqual &= hand == kernelwise && kernelwise == reference;
    Console.WriteLine($"| {name} | {hand:0.###} | {kernelwise:0.###} | {reference:0.###} |");
}
for (int i = 0; i < 2; i++) for (int j = 0; j < 2; j++) Row($"y{i + 1}{j + 1}", Y[i, j], mine.Y[i * 2 + j], libtorch.Y[i * 2 + j]);
for (int i = 0; i < 2; i++) for (int j = 0; j < 2; j++) Row($"∂L/∂w{i + 1}{j + 1}", dW[i, j], mine.DW[i * 2 + j], libtorch.DW[i * 2 + j]);
for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) Row($"∂L/∂x{i + 1}{j + 1}", dX[i, j], mine.DX[i * 3 + j], libtorch.DX[i * 3 + j]);
Row("∂L/∂b", dB, mine.DB, libtorch.DB);
Console.WriteLine();
// The library's full-convolution form (InputGradientByFullConvolution) beside the hand values.
var fullForm = ExplicitConvolution.InputGradientByFullConvolution(tensor(G.Cast<double>().ToArray(), new long[] { 1, 1, 2, 2 }),
    tensor(W.Cast<double>().ToArray(), new long[] { 1, 1, 2, 2 }), 3, 3).reshape(9).data<double>().ToArray();
bool libraryFormAgrees = Enumerable.Range(0, 9).All(t => fullForm[t] == dX[t / 3, t % 3]);
allEqual &= formsAgree && libraryFormAgrees;
Console.WriteLine($"ExplicitConvolution.InputGradientByFullConvolution(G, W, 3, 3) = [{string.Join(", ", fullForm.Select(v => v.ToString("0.###")))}]: {(libraryFormAgrees ? "equal to the hand values" : "DIFFERENT from the hand values")}.");
Console.WriteLine();
Console.WriteLine(allEqual
    ? "All three columns agree exactly."
    : "Mismatch: the columns differ (see above).");
return allEqual ? 0 : 1;
