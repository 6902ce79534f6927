#:project ../../src/Kernelwise/Kernelwise.csproj
// Chapter, "3D convolution": a 3×3×3 kernel slides through a volume in depth, height and width. The script puts a
// bright 4×4×4 cube in an 8×8×8 volume, runs Conv3D with a kernel that responds to the cube's front face (depth
// difference), checks one output voxel against its 27-term sum by hand, and counts parameters and outputs.
//   dotnet run examples/chapter/convolution-3d.cs
using System.Globalization;
using Kernelwise;
using Kernelwise.Layers;
using Kernelwise.Models;
using static TorchSharp.torch;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

const int n = 8;
var volume = zeros(new long[] { 1, 1, n, n, n }); // [batch, channels, depth, height, width]
volume[0, 0, TensorIndex.Slice(2, 6), TensorIndex.Slice(2, 6), TensorIndex.Slice(2, 6)] = tensor(1f);

// Kernel: +1 on the depth slice behind, −1 on the slice in front: the depth derivative, averaged over 3×3 in-plane.
var kernel = zeros(new long[] { 1, 1, 3, 3, 3 });
kernel[0, 0, 2] = full(3, 3, 1f / 9);
kernel[0, 0, 0] = full(3, 3, -1f / 9);

using var model = new Sequential(new Shape(1, n, n, n)).Conv3D(1, 3, padding: Padding.Same, useBias: false).Build(ComputeDevice.Cpu);
using (no_grad()) model.Network.parameters().Single().copy_(kernel);
var y = model.Predict(volume); // [1, 1, 8, 8, 8]

// One voxel by hand: y[d, h, w] = Σ_{a,b,c} k[a, b, c]·x[d + a − 1, h + b − 1, w + c − 1] (zero outside the volume).
int vd = 1, vh = 3, vw = 3;
var x = volume[0, 0];
var k = kernel[0, 0];
float sum = 0;
var terms = new List<string>();
for (int a = 0; a < 3; a++)
    for (int bb = 0; bb < 3; bb++)
        for (int c = 0; c < 3; c++)
        {
            int d = vd + a - 1, hh = vh + bb - 1, ww = vw + c - 1;
            float xv = d is >= 0 and < n && hh is >= 0 and < n && ww is >= 0 and < n ? x[d, hh, ww].item<float>() : 0f;
            float kv = k[a, bb, c].item<float>();
            sum += kv * xv;
            if (kv != 0 && xv != 0) terms.Add($"{kv:0.###}·{xv:0}");
        }
float fromLayer = y[0, 0, vd, vh, vw].item<float>();
Console.WriteLine($"Volume 8×8×8 with a bright cube at depth, height, width 2..5; kernel 3×3×3 = depth difference.");
Console.WriteLine($"Voxel (d, h, w) = ({vd}, {vh}, {vw}), just in front of the cube: 27 products, the non-zero ones:");
Console.WriteLine($"   {string.Join(" + ", terms)} = {sum:0.####}   (Conv3D: {fromLayer:0.####})");
Console.WriteLine();
Console.WriteLine("Response along the depth axis through the cube's centre column (h = w = 3):");
for (int d = 0; d < n; d++)
{
    float v = MathF.Round(y[0, 0, d, 3, 3].item<float>(), 4) + 0f; // rounding noise and −0 print as 0
    string bar = v >= 0 ? new string('#', (int)Math.Round(v * 20)) : new string('=', (int)Math.Round(-v * 20));
    Console.WriteLine($"   d = {d}: input {x[d, 3, 3].item<float>():0}, output {v,7:0.###} {bar}");
}
Console.WriteLine("The kernel fires on the cube's front and back faces (opposite signs) and is 0 inside and outside: a 3D edge.");
Console.WriteLine();

// Sizes and parameters: C_in = 2, 16 filters of 3×3×3 on a 2×16×32×32 clip (frames × height × width).
var clip = new Sequential(new Shape(2, 16, 32, 32)).Conv3D(16, 3).Summary();
var row = clip.Rows[0];
Console.WriteLine($"Conv3D(16, 3×3×3) on input {clip.Input}: output {row.Output} (each size n − 3 + 1),");
Console.WriteLine($"   parameters k³·C·F + F = 27·2·16 + 16 = {27 * 2 * 16 + 16} (summary: {row.Parameters.Total}),");
Console.WriteLine($"   multiply-accumulates per sample = outputs · k³·C = {row.Output.Elements}·54 = {row.Output.Elements * 54:N0} (summary: {row.MultiplyAccumulates:N0}).");
return Math.Abs(sum - fromLayer) < 1e-5 ? 0 : 1;
