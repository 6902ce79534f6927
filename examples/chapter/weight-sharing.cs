#:project ../../src/Kernelwise/Kernelwise.csproj
// Chapter, "Local connectivity and weight sharing": a convolution connects each output to a k×k patch (local
// connectivity) and uses the same k×k weights at every position (weight sharing). The script counts the parameters
// of three ways to map a 28×28 grey image to 32 maps of 28×28 — fully connected, locally connected without sharing,
// convolutional — and demonstrates the consequence of sharing, translation equivariance: shifting the image shifts
// the convolution's output by the same amount.
//   dotnet run examples/chapter/weight-sharing.cs
using System.Globalization;
using Kernelwise;
using Kernelwise.Layers;
using Kernelwise.Models;
using static TorchSharp.torch;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

const int h = 28, w = 28, c = 1, f = 32, k = 5;
long inputs = (long)h * w * c, outputs = (long)h * w * f;
var convSummary = new Sequential(new Shape(c, h, w)).Conv2D(f, k, padding: Padding.Same).Summary();
var denseSummary = new Sequential(new Shape(c * h * w)).Dense((int)outputs).Summary();
long fullyConnected = inputs * outputs + outputs;
long locallyConnected = outputs * (k * k * c + 1);
long convolutional = (long)k * k * c * f + f;
Console.WriteLine($"From a {h}×{w}×{c} image to {f} feature maps of {h}×{w} ({outputs:N0} outputs), {k}×{k} windows:");
Console.WriteLine($"   fully connected   every output sees all {inputs} pixels:   {inputs}·{outputs:N0} + {outputs:N0}        = {fullyConnected,12:N0}   (Dense summary: {denseSummary.Totals.Total:N0})");
Console.WriteLine($"   locally connected each output sees its {k}×{k} patch, own weights: {outputs:N0}·({k * k * c} + 1)  = {locallyConnected,12:N0}");
Console.WriteLine($"   convolutional     the same {k}×{k} weights everywhere:            {k * k * c}·{f} + {f}           = {convolutional,12:N0}   (Conv2D summary: {convSummary.Totals.Total:N0})");
Console.WriteLine($"   Local connectivity saves {(double)fullyConnected / locallyConnected:N0}×, weight sharing another {(double)locallyConnected / convolutional:N0}× ({(double)fullyConnected / convolutional:N0}× in all).");
Console.WriteLine($"   Multiply-adds of the convolution per image: {convSummary.MultiplyAccumulates:N0} = outputs · k²·C — sharing saves memory, not arithmetic.");
Console.WriteLine();

// Translation equivariance: conv(shift(x)) = shift(conv(x)) away from the borders.
manual_seed(7);
using var model = new Sequential(new Shape(c, h, w)).Conv2D(4, k, padding: Padding.Same).Build(ComputeDevice.Cpu);
var image = zeros(1, c, h, w);
image[0, 0, TensorIndex.Slice(6, 12), TensorIndex.Slice(8, 11)] = tensor(1f); // a small bar
const int dy = 5, dx = 7;
var shifted = image.roll(new long[] { dy, dx }, new long[] { 2, 3 });
var output = model.Predict(image);
var outputOfShifted = model.Predict(shifted);
var shiftedOutput = output.roll(new long[] { dy, dx }, new long[] { 2, 3 });
double difference = (outputOfShifted - shiftedOutput).abs().max().item<float>();
static (long, long) Peak(Tensor map)
{
    long index = map.abs().argmax().item<long>();
    return (index / map.shape[1], index % map.shape[1]);
}
Console.WriteLine($"Translation equivariance: a bar at rows 6–11, columns 8–10, then the same bar shifted by ({dy}, {dx}).");
Console.WriteLine($"   strongest response of filter 0: at {Peak(output[0, 0])} for the bar, at {Peak(outputOfShifted[0, 0])} for the shifted bar");
Console.WriteLine($"   conv(shift(x)) vs shift(conv(x)) over all maps: largest difference {difference:G3}");
Console.WriteLine("   A dense layer has no such property: each output has its own weights for each pixel position.");
return convSummary.Totals.Total == convolutional && denseSummary.Totals.Total == fullyConnected && difference < 1e-5 ? 0 : 1;
