#:project ../../src/Kernelwise/Kernelwise.csproj
// Chapter, "Global average pooling": averaging each feature map to one number turns a C×H×W tensor into C values, so
// a classifier head needs C·K weights instead of C·H·W·K. The script checks the average by hand, compares the
// parameter counts of a Flatten + Dense head and a GlobalAveragePooling2D + Dense head on VGG-16's last feature
// maps (512×7×7, 1000 classes), and shows why the pooled head still "looks" at positions: Dense(GAP(x)) equals the
// average over positions of the per-pixel class scores (the class activation map).
//   dotnet run examples/chapter/global-average-pooling.cs
using System.Globalization;
using Kernelwise;
using Kernelwise.Layers;
using Kernelwise.Models;
using static TorchSharp.torch;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

// 1. Three 2×2 feature maps → three numbers.
var maps = tensor(new float[] { 1, 2, 3, 4, /**/ 0, 0, 0, 8, /**/ -1, 1, -1, 1 }, new long[] { 1, 3, 2, 2 });
using var gap = new Sequential(new Shape(3, 2, 2)).GlobalAveragePooling2D().Build(ComputeDevice.Cpu);
var pooled = gap.Predict(maps).reshape(3).data<float>().ToArray();
Console.WriteLine("GlobalAveragePooling2D on three 2×2 maps:");
Console.WriteLine($"   (1 + 2 + 3 + 4)/4 = 2.5, (0 + 0 + 0 + 8)/4 = 2, (−1 + 1 − 1 + 1)/4 = 0   layer: [{string.Join(", ", pooled)}]");
Console.WriteLine();

// 2. Two classifier heads on 512×7×7 feature maps for 1000 classes.
var features = new Shape(512, 7, 7);
var flattenHead = new Sequential(features, "flatten_head").Flatten().Dense(1000).Summary();
var gapHead = new Sequential(features, "gap_head").GlobalAveragePooling2D().Dense(1000).Summary();
Console.WriteLine("Heads on VGG-16's last feature maps (512×7×7) for 1000 classes:");
Console.WriteLine($"   Flatten + Dense(1000):                 {flattenHead.Totals.Total,12:N0} parameters = 512·7·7·1000 + 1000 = {512L * 7 * 7 * 1000 + 1000:N0}");
Console.WriteLine($"   GlobalAveragePooling2D + Dense(1000):  {gapHead.Totals.Total,12:N0} parameters = 512·1000 + 1000 = {512L * 1000 + 1000:N0}");
Console.WriteLine($"   {(double)flattenHead.Totals.Total / gapHead.Totals.Total:0.0}× fewer — and the pooled head accepts any input size, since it never sees H or W.");
Console.WriteLine("   (VGG-16's real head, Flatten + 4096 + 4096 + 1000, holds 123.6 M of its 138.4 M parameters; GoogLeNet and ResNet end with GAP.)");
Console.WriteLine();

// 3. Dense(GAP(x)) = average over positions of Dense applied at each position: the class activation map.
manual_seed(2);
const int c = 8, h = 5, w = 5, classes = 3;
using var head = new Sequential(new Shape(c, h, w)).GlobalAveragePooling2D().Dense(classes).Build(ComputeDevice.Cpu);
var parameters = head.Network.named_parameters().ToDictionary(p => p.name[(p.name.LastIndexOf('.') + 1)..], p => p.parameter);
var x = randn(1, c, h, w);
var scores = head.Predict(x);                                                              // [1, classes]
var perPixel = einsum("kc,nchw->nkhw", parameters["weight"], x) + parameters["bias"].view(1, classes, 1, 1); // class maps
var averaged = perPixel.mean(new long[] { 2, 3 });
double difference = (scores - averaged).abs().max().item<float>();
Console.WriteLine("Scores of GAP + Dense(3) vs the per-pixel class maps (Dense applied at each of the 5×5 positions), averaged:");
Console.WriteLine($"   {Format(scores)} vs {Format(averaged)}: largest difference {difference:G3}");
int best = (int)scores.argmax(1).item<long>();
var map = perPixel[0, best];
Console.WriteLine($"   Class {best}'s map (where the evidence for it sits):");
for (int i = 0; i < h; i++) Console.WriteLine("     " + string.Join(" ", Enumerable.Range(0, w).Select(j => $"{map[i, j].item<float>(),6:0.00}")));
return Math.Abs(pooled[0] - 2.5f) < 1e-6 && Math.Abs(pooled[1] - 2f) < 1e-6 && difference < 1e-5 ? 0 : 1;

static string Format(Tensor t) => "[" + string.Join(", ", t.reshape(-1).data<float>().ToArray().Select(v => v.ToString("0.0000", CultureInfo.InvariantCulture))) + "]";
