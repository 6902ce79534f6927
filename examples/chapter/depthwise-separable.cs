#:project ../../src/Kernelwise/Kernelwise.csproj
// Chapter, "Depthwise-separable convolution": a k×k convolution from C to F channels has k²·C·F weights; the separable
// version filters each channel on its own (depthwise, k²·C) and then mixes channels with a 1×1 convolution
// (pointwise, C·F). The ratio is (k²·C + C·F)/(k²·C·F) = 1/F + 1/k². The script prints the formula beside the counts
// Kernelwise's layers report, the multiply-accumulates, and checks that the separable layer is depthwise then pointwise.
//   dotnet run examples/chapter/depthwise-separable.cs
using System.Globalization;
using Kernelwise;
using Kernelwise.Layers;
using Kernelwise.Models;
using static TorchSharp.torch;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

Console.WriteLine("Weights only (no biases), 'same' padding on a 56×56 input:");
Console.WriteLine("kernel |    C →    F | standard k²·C·F | separable k²·C + C·F | ratio | 1/F + 1/k² |   MACs standard |  MACs separable");
Console.WriteLine("-------|-------------|-----------------|----------------------|-------|------------|----------------|----------------");
bool allMatch = true;
foreach (var (k, c, f) in new[] { (3, 32, 64), (3, 64, 128), (3, 128, 128), (3, 512, 512), (5, 64, 128), (7, 256, 256) })
{
    var input = new Shape(c, 56, 56);
    var standard = new Sequential(input).Conv2D(f, k, padding: Padding.Same, useBias: false).Summary();
    var separable = new Sequential(input).SeparableConv2D(f, k, padding: Padding.Same, useBias: false).Summary();
    long standardFormula = (long)k * k * c * f, separableFormula = (long)k * k * c + (long)c * f;
    allMatch &= standard.Totals.Total == standardFormula && separable.Totals.Total == separableFormula;
    double ratio = (double)separable.Totals.Total / standard.Totals.Total;
    Console.WriteLine($"{k,4}×{k} | {c,4} → {f,4} | {standard.Totals.Total,15:N0} | {separable.Totals.Total,20:N0} | {ratio,5:0.000} | {1.0 / f + 1.0 / (k * k),10:0.000} | {standard.MultiplyAccumulates,14:N0} | {separable.MultiplyAccumulates,15:N0}");
}
Console.WriteLine(allMatch ? "Every count equals its formula." : "MISMATCH between a layer's count and the formula.");
Console.WriteLine("For 3×3 kernels the saving approaches 1/9: about 8–9× fewer weights and multiply-adds (MobileNet, Xception).");
Console.WriteLine();

// The separable layer computes a depthwise convolution (groups = C) and then a pointwise 1×1 convolution.
manual_seed(3);
const int channels = 4, filters = 6;
using var model = new Sequential(new Shape(channels, 7, 7)).SeparableConv2D(filters, 3, useBias: false).Build(ComputeDevice.Cpu);
var parameters = model.Network.named_parameters().ToDictionary(p => p.name, p => p.parameter);
var depthwise = parameters.Single(p => p.Key.Contains("depthwise")).Value;  // [C, 1, 3, 3]: one 3×3 filter per channel
var pointwise = parameters.Single(p => p.Key.Contains("pointwise")).Value;  // [F, C, 1, 1]
var x = randn(1, channels, 7, 7);
var twoSteps = nn.functional.conv2d(nn.functional.conv2d(x, depthwise, groups: channels), pointwise);
var layer = model.Predict(x);
double difference = (twoSteps - layer).abs().max().item<float>();
Console.WriteLine($"SeparableConv2D({filters}, 3) on [{channels}, 7, 7]: depthwise weight [{string.Join(", ", depthwise.shape)}], pointwise weight [{string.Join(", ", pointwise.shape)}];");
Console.WriteLine($"   layer output vs conv2d(groups = C) then conv2d(1×1): largest difference {difference:G3}");
return allMatch && difference < 1e-5 ? 0 : 1;
