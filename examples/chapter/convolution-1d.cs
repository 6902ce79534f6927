#:project ../../src/Kernelwise/Kernelwise.csproj
// Chapter, "1D convolution": two 3-tap kernels slid along a signal — a moving average that smooths and a difference
// that detects edges — by hand and with Kernelwise's Conv1D layer (two filters), then how stride and dilation change
// the output length: L_out = ⌊(L + 2p − d(k − 1) − 1)/s⌋ + 1.
//   dotnet run examples/chapter/convolution-1d.cs
using System.Globalization;
using Kernelwise;
using Kernelwise.Layers;
using Kernelwise.Models;
using Kernelwise.Shapes;
using static TorchSharp.torch;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

// A step from 0 to 1 at t = 8 with one spike at t = 16: a signal of length 24, one channel.
const int length = 24;
var signal = Enumerable.Range(0, length).Select(t => (t >= 8 ? 1f : 0f) + (t == 16 ? 1.5f : 0f)).ToArray();
float[] smooth = { 1f / 3, 1f / 3, 1f / 3 };   // moving average
float[] edge = { -1f, 0f, 1f };                 // x[t + 1] − x[t − 1]: a derivative

// By hand, "same" padding (one zero at each end), no bias: y[t] = Σ_p w[p]·x[t + p − 1].
static float[] Correlate(float[] x, float[] w)
{
    var y = new float[x.Length];
    for (int t = 0; t < x.Length; t++)
        for (int p = 0; p < w.Length; p++)
        {
            int i = t + p - w.Length / 2;
            if (i >= 0 && i < x.Length) y[t] += w[p] * x[i];
        }
    return y;
}
var smoothByHand = Correlate(signal, smooth);
var edgeByHand = Correlate(signal, edge);

// Conv1D with two filters of 3 taps, "same" padding, no bias: weight [2 filters, 1 channel, 3 taps].
using var model = new Sequential(new Shape(1, length)).Conv1D(2, 3, padding: Padding.Same, useBias: false).Build(ComputeDevice.Cpu);
using (no_grad())
{
    model.Network.parameters().Single().copy_(tensor(smooth.Concat(edge).ToArray(), new long[] { 2, 1, 3 }));
}
var output = model.Predict(tensor(signal, new long[] { 1, 1, length })); // [1, 2, 24]
var smoothByLayer = output[0, 0].data<float>().ToArray();
var edgeByLayer = output[0, 1].data<float>().ToArray();

static string Bar(float v) => v >= 0 ? new string('#', (int)Math.Round(v * 8)) : "-" + new string('=', (int)Math.Round(-v * 8));
Console.WriteLine("  t | signal | moving average (hand / Conv1D) | difference (hand / Conv1D) | difference as bars");
for (int t = 0; t < length; t++)
{
    Console.WriteLine($"{t,3} | {signal[t],6:0.##} | {smoothByHand[t],8:0.###} / {smoothByLayer[t],-8:0.###}           | {edgeByHand[t],6:0.##} / {edgeByLayer[t],-6:0.##}           | {Bar(edgeByLayer[t])}");
}
double difference = Enumerable.Range(0, length).Max(t => Math.Max(Math.Abs(smoothByHand[t] - smoothByLayer[t]), Math.Abs(edgeByHand[t] - edgeByLayer[t])));
Console.WriteLine($"Largest difference between hand and layer: {difference:G3}");
Console.WriteLine("The moving average turns the step into a ramp and spreads the spike over three samples; the difference is");
Console.WriteLine("zero where the signal is flat, positive on the rising edges and negative right after the spike.");
Console.WriteLine();

// Output length for the same 3-tap kernel with other strides, paddings and dilations: formula, layer, tensor.
Console.WriteLine("Output length of a 3-tap Conv1D on length 24: ⌊(L + 2p − d(k − 1) − 1)/s⌋ + 1");
Console.WriteLine("stride | padding | dilation | formula | layer | tensor");
foreach (var (s, p, d) in new[] { (1, 0, 1), (1, 1, 1), (2, 0, 1), (2, 1, 1), (3, 0, 1), (1, 0, 2), (1, 2, 2), (2, 0, 4) })
{
    int formula = (length + 2 * p - d * (3 - 1) - 1) / s + 1;
    var definition = new Sequential(new Shape(1, length)).Conv1D(1, 3, strides: s, padding: p, dilation: d);
    var shape = definition.Summary().Rows[^1].Output;
    using var built = definition.Build(ComputeDevice.Cpu);
    long actual = built.Predict(zeros(1, 1, length)).shape[^1];
    Console.WriteLine($"{s,6} | {p,7} | {d,8} | {formula,7} | {shape[1],5} | {actual,6}   (ConvolutionArithmetic.OutputSize: {ConvolutionArithmetic.OutputSize(length, 3, s, p, p, d)})");
}
return difference < 1e-5 ? 0 : 1;
