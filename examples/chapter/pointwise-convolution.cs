#:project ../../src/Kernelwise/Kernelwise.csproj
// Chapter, "1×1 convolution": a 1×1 kernel sees one pixel at a time, so a Conv2D(F, 1) is a dense layer from the C
// channel values of each pixel to F outputs, applied to every pixel with the same weights. The script converts an RGB
// image to grey with a 1×1 convolution, then checks Conv2D(4, 1) against Dense(4) applied pixel by pixel.
//   dotnet run examples/chapter/pointwise-convolution.cs
using System.Globalization;
using Kernelwise;
using Kernelwise.Layers;
using Kernelwise.Models;
using static TorchSharp.torch;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

static Tensor Parameter(Model model, string name) => model.Network.named_parameters().Single(p => p.name.EndsWith("." + name)).parameter;

// 1. Grey = 0.299 R + 0.587 G + 0.114 B: one 1×1 filter over three channels (ITU-R BT.601 luma weights).
var rgb = tensor(new float[]
{
    1, 0, 0.5f, 1,    // R
    0, 1, 0.5f, 1,    // G
    0, 0, 0.5f, 1,    // B
}, new long[] { 1, 3, 2, 2 }); // pixels: red, green, mid grey, white
using var grey = new Sequential(new Shape(3, 2, 2)).Conv2D(1, 1, useBias: false).Build(ComputeDevice.Cpu);
using (no_grad()) Parameter(grey, "weight").copy_(tensor(new[] { 0.299f, 0.587f, 0.114f }, new long[] { 1, 3, 1, 1 }));
var luma = grey.Predict(rgb).reshape(4).data<float>().ToArray();
Console.WriteLine("RGB → grey with Conv2D(1, kernel 1×1), weights (0.299, 0.587, 0.114):");
string[] names = { "red", "green", "mid grey", "white" };
for (int i = 0; i < 4; i++) Console.WriteLine($"   {names[i],-8} → {luma[i]:0.###}");
Console.WriteLine();

// 2. Conv2D(4, 1) on 5 channels against Dense(4) applied to every pixel's 5 values, with the same weights.
const int c = 5, f = 4, h = 3, w = 3;
manual_seed(1); // the layers' random initial weights and the input, the same on every run
using var conv = new Sequential(new Shape(c, h, w)).Conv2D(f, 1).Build(ComputeDevice.Cpu);
using var dense = new Sequential(new Shape(c)).Dense(f).Build(ComputeDevice.Cpu);
using (no_grad())
{
    // The 1×1 kernel [F, C, 1, 1] is the dense weight [F, C] with two unit dimensions.
    Parameter(dense, "weight").copy_(Parameter(conv, "weight").reshape(f, c));
    Parameter(dense, "bias").copy_(Parameter(conv, "bias"));
}
var x = randn(1, c, h, w);
var convolved = conv.Predict(x);                                   // [1, F, H, W]
var pixels = x.permute(0, 2, 3, 1).reshape(-1, c);                 // [H·W, C]: one row per pixel
var perPixel = dense.Predict(pixels).reshape(1, h, w, f).permute(0, 3, 1, 2);
double difference = (convolved - perPixel).abs().max().item<float>();
Console.WriteLine($"Conv2D({f}, 1) on a [{c}, {h}, {w}] input vs Dense({f}) applied to each of the {h * w} pixels:");
Console.WriteLine($"   output at pixel (1, 2): conv {Format(convolved[0, .., 1, 2])}");
Console.WriteLine($"                           dense {Format(perPixel[0, .., 1, 2])}");
Console.WriteLine($"   largest difference over all pixels: {difference:G3}");
long convParameters = conv.Summary().Totals.Total, denseParameters = dense.Summary().Totals.Total;
Console.WriteLine($"   parameters: Conv2D {convParameters} = C·F + F = {c}·{f} + {f}; Dense {denseParameters}: the same count, the same numbers.");
Console.WriteLine();
Console.WriteLine("A 1×1 convolution mixes channels and never looks at neighbours: it changes the depth (here 5 → 4)");
Console.WriteLine("at C·F multiply-adds per pixel — the reason GoogLeNet and MobileNet use it to shrink or expand channels.");
return difference < 1e-5 ? 0 : 1;

static string Format(Tensor t) => "[" + string.Join(", ", t.data<float>().ToArray().Select(v => v.ToString("0.0000", CultureInfo.InvariantCulture))) + "]";
