#:project ../../src/Kernelwise/Kernelwise.csproj
// Chapter, "Inception-v1": a module runs 1×1, 3×3 and 5×5 convolutions and a pooling side by side and concatenates
// them; 1×1 "reductions" before the 3×3 and 5×5 keep it cheap. The script builds the paper's module 3a (28×28×192 in,
// 256 out) with Kernelwise's Branches, prints its summary, and sets its cost beside a plain 5×5 convolution with the
// same input and output and beside the same module without the reductions — formula and summary side by side.
//   dotnet run examples/chapter/inception-module.cs
using System.Globalization;
using Kernelwise;
using Kernelwise.Layers;
using Kernelwise.Models;
using static TorchSharp.torch;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

var input = new Shape(192, 28, 28);
const long positions = 28 * 28;

// Module 3a of GoogLeNet (Szegedy et al., 2014, table 1): #1×1 64; #3×3 reduce 96 → #3×3 128; #5×5 reduce 16 → #5×5 32;
// 3×3 max pooling → pool proj 32. Output 64 + 128 + 32 + 32 = 256 channels.
var module = new Sequential(input, "inception_3a").Branches("inception_3a",
    p => p.Conv2D(64, 1, activation: Activation.ReLU),
    p => p.Conv2D(96, 1, activation: Activation.ReLU).Conv2D(128, 3, padding: Padding.Same, activation: Activation.ReLU),
    p => p.Conv2D(16, 1, activation: Activation.ReLU).Conv2D(32, 5, padding: Padding.Same, activation: Activation.ReLU),
    p => p.MaxPooling2D(3, strides: 1, padding: Padding.Same).Conv2D(32, 1, activation: Activation.ReLU));
var moduleSummary = module.Summary();
Console.WriteLine(moduleSummary);

// The same module without the 1×1 reductions (the "naive" module of the paper's figure 2a): the pooling path keeps 192 channels.
var naive = new Sequential(input, "naive").Branches(
    p => p.Conv2D(64, 1),
    p => p.Conv2D(128, 3, padding: Padding.Same),
    p => p.Conv2D(32, 5, padding: Padding.Same),
    p => p.MaxPooling2D(3, strides: 1, padding: Padding.Same)).Summary();
var plain = new Sequential(input, "plain_5x5").Conv2D(256, 5, padding: Padding.Same).Summary();

long moduleWeights = 192 * 64 + 192 * 96 + 9 * 96 * 128 + 192 * 16 + 25 * 16 * 32 + 192 * 32;
long moduleBiases = 64 + 96 + 128 + 16 + 32 + 32;
long moduleMacs = positions * moduleWeights;
long naiveWeights = 192 * 64 + 9 * 192 * 128 + 25 * 192 * 32;
long plainWeights = 25L * 192 * 256;
Console.WriteLine("Cost per image (multiply-accumulates = positions × weights, 28·28 = 784 positions):");
Console.WriteLine("                                 | output  | parameters (formula / summary) | multiply-accumulates (formula / summary)");
Console.WriteLine($"plain 5×5 convolution, 192 → 256 | {plain.Rows[0].Output.Channels,3} ch  | {plainWeights + 256,11:N0} / {plain.Totals.Total,-11:N0}     | {positions * plainWeights,13:N0} / {plain.MultiplyAccumulates:N0}");
Console.WriteLine($"naive module (no 1×1 reductions) | {naive.Rows[0].Output.Channels,3} ch  | {naiveWeights + 224,11:N0} / {naive.Totals.Total,-11:N0}     | {positions * naiveWeights,13:N0} / {naive.MultiplyAccumulates:N0}");
Console.WriteLine($"Inception module 3a              | {moduleSummary.Rows[0].Output.Channels,3} ch  | {moduleWeights + moduleBiases,11:N0} / {moduleSummary.Totals.Total,-11:N0}     | {moduleMacs,13:N0} / {moduleSummary.MultiplyAccumulates:N0}");
Console.WriteLine($"The module costs {(double)(positions * plainWeights) / moduleMacs:0.0}× less than the plain 5×5 convolution for the same 256 output channels.");
Console.WriteLine();
long direct = positions * 25 * 192 * 32, reduced = positions * 192 * 16 + positions * 25 * 16 * 32;
Console.WriteLine("The 5×5 path alone, 28×28×192 → 28×28×32:");
Console.WriteLine($"   directly:            784·(5·5·192)·32               = {direct,12:N0} multiply-adds");
Console.WriteLine($"   1×1 to 16 channels:  784·192·16 + 784·(5·5·16)·32  = {reduced,12:N0} multiply-adds ({(double)direct / reduced:0.0}× fewer)");

// And the module really runs: a forward pass gives 256 channels of 28×28.
using var built = module.Build(ComputeDevice.Cpu);
var y = built.Predict(randn(2, 192, 28, 28));
Console.WriteLine($"Forward pass of the module on [2, 192, 28, 28]: output [{string.Join(", ", y.shape)}]");
bool agree = moduleSummary.Totals.Total == moduleWeights + moduleBiases && moduleSummary.MultiplyAccumulates == moduleMacs
             && plain.MultiplyAccumulates == positions * plainWeights && naive.MultiplyAccumulates == positions * naiveWeights;
return agree && y.shape[1] == 256 ? 0 : 1;
