#:project ../../src/Kernelwise/Kernelwise.csproj
// Chapter, "Transposed convolution": a convolution is a linear map y = C·x; the transposed convolution with the same
// kernel is the map x' = Cᵀ·y — not an inverse, the adjoint. The script builds the 4×16 matrix C of a 3×3 convolution
// on a 4×4 image, checks that Conv2DTranspose computes Cᵀ·y, prints ⟨conv x, y⟩ = ⟨x, convᵀ y⟩, and shows a strided
// transposed convolution doubling the size: (n − 1)·s − 2p + k.
//   dotnet run examples/chapter/transposed-convolution.cs
using System.Globalization;
using Kernelwise;
using Kernelwise.Layers;
using Kernelwise.Models;
using Kernelwise.Shapes;
using static TorchSharp.torch;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
set_default_dtype(ScalarType.Float64); // exact enough to compare inner products to 1e-12

static Tensor Weight(Model model) => model.Network.named_parameters().Single(p => p.name.EndsWith(".weight")).parameter;

// A 3×3 convolution 4×4 → 2×2, no bias, and the transposed convolution 2×2 → 4×4 holding the same kernel.
using var conv = new Sequential(new Shape(1, 4, 4)).Conv2D(1, 3, useBias: false).Build(ComputeDevice.Cpu);
using var transposed = new Sequential(new Shape(1, 2, 2)).Conv2DTranspose(1, 3, useBias: false).Build(ComputeDevice.Cpu);
using (no_grad())
{
    Weight(conv).copy_(tensor(new double[] { 1, 2, 0, -1, 3, 1, 0, 1, -2 }, new long[] { 1, 1, 3, 3 }));
    Weight(transposed).copy_(Weight(conv)); // PyTorch layout: conv [out, in, k, k], transposed [in, out, k, k] — one channel each
}
var kernel = Weight(conv)[0, 0];
Console.WriteLine("Kernel w:");
for (int i = 0; i < 3; i++) Console.WriteLine("   " + string.Join(" ", Enumerable.Range(0, 3).Select(j => $"{kernel[i, j].item<double>(),3}")));

// The matrix C: column t is the convolution of the t-th unit image (1 at pixel t, 0 elsewhere).
var c = zeros(4, 16);
for (int t = 0; t < 16; t++)
{
    var unit = zeros(1, 1, 4, 4);
    unit.view(16)[t] = tensor(1.0);
    c[TensorIndex.Colon, t] = conv.Predict(unit).reshape(4);
}
Console.WriteLine("The convolution as a matrix C (4 outputs × 16 pixels, row-major pixel order):");
for (int i = 0; i < 4; i++) Console.WriteLine("   " + string.Join(" ", Enumerable.Range(0, 16).Select(j => $"{c[i, j].item<double>(),3}")));
Console.WriteLine("Each row is the kernel laid over one window; the zeros are the pixels that window does not see.");
Console.WriteLine();

manual_seed(5);
var x = randn(1, 1, 4, 4);
var y = randn(1, 1, 2, 2);
var convX = conv.Predict(x);            // C·x, 2×2
var transposedY = transposed.Predict(y); // Cᵀ·y, 4×4
var byMatrix = c.t().mm(y.reshape(4, 1)).reshape(1, 1, 4, 4);
double matrixDifference = (transposedY - byMatrix).abs().max().item<double>();
double left = (convX * y).sum().item<double>();
double right = (x * transposedY).sum().item<double>();
Console.WriteLine($"Conv2DTranspose(y) vs Cᵀ·y: largest difference {matrixDifference:G3}");
Console.WriteLine($"⟨conv x, y⟩  = {left:0.000000000000}");
Console.WriteLine($"⟨x, convᵀ y⟩ = {right:0.000000000000}");
Console.WriteLine($"difference   = {Math.Abs(left - right):G3}   (the adjoint identity: the two inner products are equal for every x and y)");
Console.WriteLine();

// Upsampling: stride s spreads the input s pixels apart before the kernel is added in.
Console.WriteLine("Output size of a transposed convolution: (n − 1)·s − 2p + k (+ output padding)");
foreach (var (n, k, s, p) in new[] { (2, 3, 1, 0), (4, 2, 2, 0), (4, 4, 2, 1), (7, 3, 2, 1), (14, 5, 2, 2) })
{
    var definition = new Sequential(new Shape(1, n, n)).Conv2DTranspose(1, k, strides: s, padding: p);
    var output = definition.Summary().Rows[0].Output;
    Console.WriteLine($"   n = {n,2}, k = {k}, s = {s}, p = {p}: ({n} − 1)·{s} − 2·{p} + {k} = {ConvolutionArithmetic.TransposedOutputSize(n, k, s, p),2}   layer output {output}");
}
return matrixDifference < 1e-12 && Math.Abs(left - right) < 1e-12 ? 0 : 1;
