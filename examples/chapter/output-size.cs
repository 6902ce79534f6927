#:project ../../src/Kernelwise/Kernelwise.csproj
// Chapter, "Output size, padding and stride": o = ⌊(n + 2p − k)/s⌋ + 1 (with dilation d, k becomes d(k − 1) + 1).
// "valid" means p = 0; "same" pads just enough that o = ⌈n/s⌉ (TensorFlow's rule, odd padding at the end). The script
// tabulates the formula for a 7×7 and a 224×224 input across kernels, paddings and strides beside the shape
// Kernelwise's model summary infers and the shape of a real forward pass.
//   dotnet run examples/chapter/output-size.cs
using System.Globalization;
using Kernelwise;
using Kernelwise.Layers;
using Kernelwise.Models;
using Kernelwise.Shapes;
using static TorchSharp.torch;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

Console.WriteLine("   n |  k | s | d | padding  | formula                          | summary | forward");
Console.WriteLine("-----|----|---|---|----------|----------------------------------|---------|--------");
bool allAgree = true;
var cases = new (int N, int K, int S, int D, string Padding)[]
{
    (7, 3, 1, 1, "valid"), (7, 3, 1, 1, "1"), (7, 3, 1, 1, "same"), (7, 3, 2, 1, "valid"), (7, 3, 2, 1, "1"), (7, 3, 2, 1, "same"),
    (7, 3, 3, 1, "valid"), (7, 3, 3, 1, "same"), (7, 5, 1, 1, "2"), (7, 5, 2, 1, "same"), (7, 2, 2, 1, "valid"), (7, 3, 1, 2, "valid"),
    (7, 3, 1, 2, "same"), (224, 7, 2, 1, "3"), (224, 11, 4, 1, "2"), (227, 11, 4, 1, "valid"), (224, 3, 1, 1, "same"), (28, 5, 1, 1, "same"),
};
foreach (var (n, k, s, d, paddingName) in cases)
{
    int span = d * (k - 1) + 1;
    int expected;
    string formula;
    Padding padding;
    if (paddingName == "same")
    {
        expected = (n + s - 1) / s;
        int total = Math.Max((expected - 1) * s + span - n, 0);
        formula = $"⌈{n}/{s}⌉ = {expected} (pads {total / 2}+{total - total / 2})";
        padding = Padding.Same;
    }
    else
    {
        int p = paddingName == "valid" ? 0 : int.Parse(paddingName, CultureInfo.InvariantCulture);
        expected = (n + 2 * p - span) / s + 1;
        formula = $"⌊({n} + 2·{p} − {span})/{s}⌋ + 1 = {expected}";
        padding = paddingName == "valid" ? Padding.Valid : p;
    }
    var definition = new Sequential(new Shape(1, n, n)).Conv2D(1, k, strides: s, padding: padding, dilation: d);
    int inferred = definition.Summary().Rows[0].Output[1];
    using var model = definition.Build(ComputeDevice.Cpu);
    long actual = model.Predict(zeros(1, 1, n, n)).shape[2];
    allAgree &= inferred == expected && actual == expected;
    Console.WriteLine($"{n,4} | {k,2} | {s} | {d} | {paddingName,-8} | {formula,-32} | {inferred,7} | {actual,7}");
}
Console.WriteLine(allAgree ? "The formula, the summary and the forward pass agree on every row." : "DISAGREEMENT in a row above.");
Console.WriteLine();
Console.WriteLine("Notes: stride s divides the size about s times; 'same' with stride 1 keeps it; AlexNet's first layer needs 227 (or 224 with");
Console.WriteLine($"padding 2) for ⌊(227 − 11)/4⌋ + 1 = 55; ConvolutionArithmetic.OutputSize(227, 11, 4) = {ConvolutionArithmetic.OutputSize(227, 11, 4)}.");
return allAgree ? 0 : 1;
