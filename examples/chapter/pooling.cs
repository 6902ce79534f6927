#:project ../../src/Kernelwise/Kernelwise.csproj
// Chapter, "Pooling": max pooling keeps the largest value of each window, average pooling its mean. The script pools
// a 4×4 map with 2×2 windows and stride 2 by hand, window by window, beside MaxPooling2D and AveragePooling2D; shows
// that the gradient of max pooling goes only to each window's maximum; and gives the output size of overlapping
// 3×3/2 pooling (AlexNet's): ⌊(n − k)/s⌋ + 1.
//   dotnet run examples/chapter/pooling.cs
using System.Globalization;
using Kernelwise;
using Kernelwise.Layers;
using Kernelwise.Models;
using static TorchSharp.torch;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

float[,] x =
{
    { 1, 3, 2, 1 },
    { 4, 6, 5, 0 },
    { 7, 2, 9, 8 },
    { 1, 0, 3, 4 },
};
Console.WriteLine("Input (4×4):");
for (int i = 0; i < 4; i++) Console.WriteLine("   " + string.Join(" ", Enumerable.Range(0, 4).Select(j => $"{x[i, j],3}")));

var maxByHand = new float[2, 2];
var averageByHand = new float[2, 2];
Console.WriteLine("Windows 2×2, stride 2:");
for (int i = 0; i < 2; i++)
    for (int j = 0; j < 2; j++)
    {
        var window = new[] { x[2 * i, 2 * j], x[2 * i, 2 * j + 1], x[2 * i + 1, 2 * j], x[2 * i + 1, 2 * j + 1] };
        maxByHand[i, j] = window.Max();
        averageByHand[i, j] = window.Average();
        Console.WriteLine($"   ({i}, {j}): {{{string.Join(", ", window)}}} → max {maxByHand[i, j]}, average ({string.Join(" + ", window)})/4 = {averageByHand[i, j]}");
    }

var input = tensor(x.Cast<float>().ToArray(), new long[] { 1, 1, 4, 4 });
using var maxPool = new Sequential(new Shape(1, 4, 4)).MaxPooling2D(2).Build(ComputeDevice.Cpu);
using var averagePool = new Sequential(new Shape(1, 4, 4)).AveragePooling2D(2).Build(ComputeDevice.Cpu);
var maxByLayer = maxPool.Predict(input).reshape(4).data<float>().ToArray();
var averageByLayer = averagePool.Predict(input).reshape(4).data<float>().ToArray();
Console.WriteLine($"MaxPooling2D(2):     [{string.Join(", ", maxByLayer)}]   by hand [{string.Join(", ", maxByHand.Cast<float>())}]");
Console.WriteLine($"AveragePooling2D(2): [{string.Join(", ", averageByLayer)}]   by hand [{string.Join(", ", averageByHand.Cast<float>())}]");
bool equal = maxByLayer.SequenceEqual(maxByHand.Cast<float>()) && averageByLayer.SequenceEqual(averageByHand.Cast<float>());
Console.WriteLine($"Equal: {equal}. Pooling has no weights: {maxPool.Summary().Totals.Total} parameters.");
Console.WriteLine();

// Backward: ∂(Σ max-pooled)/∂x is 1 at each window's maximum and 0 elsewhere; for average pooling 1/4 everywhere.
var leaf = input.clone().requires_grad_(true);
maxPool.GraphModule.forward(leaf).sum().backward();
Console.WriteLine("Gradient of the sum of the max-pooled map with respect to the input (routes to the winners):");
var g = leaf.grad!;
for (int i = 0; i < 4; i++) Console.WriteLine("   " + string.Join(" ", Enumerable.Range(0, 4).Select(j => $"{g[0, 0, i, j].item<float>(),3}")));
var leaf2 = input.clone().requires_grad_(true);
averagePool.GraphModule.forward(leaf2).sum().backward();
Console.WriteLine($"For average pooling every pixel gets 1/4: {string.Join(" ", leaf2.grad!.reshape(16).data<float>().ToArray().Distinct())}");
Console.WriteLine();

Console.WriteLine("Overlapping pooling, 3×3 windows with stride 2 (AlexNet): ⌊(n − 3)/2⌋ + 1");
foreach (int n in new[] { 55, 27, 13 })
{
    var output = new Sequential(new Shape(96, n, n)).MaxPooling2D(3, strides: 2).Summary().Rows[0].Output;
    Console.WriteLine($"   {n}×{n} → ⌊({n} − 3)/2⌋ + 1 = {(n - 3) / 2 + 1}   layer output {output}");
}
return equal ? 0 : 1;
