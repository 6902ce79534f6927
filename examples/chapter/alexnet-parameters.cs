#:project ../../src/Kernelwise/Kernelwise.csproj
// Chapter, "AlexNet": the 2012 network that started the deep-learning era — five convolutions (11×11/4, 5×5, three
// 3×3), overlapping 3×3/2 max pooling, ReLU, dropout and two 4096-unit dense layers. The script prints Kernelwise's
// summary of the zoo's AlexNet (torchvision's single-stream version), then where its 61 million parameters and
// 0.7 billion multiply-adds sit: almost all weights in the dense layers, almost all arithmetic in the convolutions.
//   dotnet run examples/chapter/alexnet-parameters.cs
using System.Globalization;
using Kernelwise;
using Kernelwise.Layers;
using Kernelwise.Zoo;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

var summary = ModelZoo.AlexNet(numClasses: 1000, inputChannels: 3, inputSize: 224, variant: ZooVariant.ImageNet).Summary();
Console.WriteLine(summary);

var rows = summary.Rows.Where(r => r.Depth == 0).ToList();
long convWeights = rows.Where(r => r.Layer.TypeName == "Conv2D").Sum(r => r.Parameters.Total);
long denseWeights = rows.Where(r => r.Layer.TypeName == "Dense").Sum(r => r.Parameters.Total);
long convMacs = rows.Where(r => r.Layer.TypeName == "Conv2D").Sum(r => r.MultiplyAccumulates);
long denseMacs = rows.Where(r => r.Layer.TypeName == "Dense").Sum(r => r.MultiplyAccumulates);
long total = summary.PyTorchParameterCount;
Console.WriteLine("Where the parameters and the arithmetic are:");
Console.WriteLine($"   5 convolutions: {convWeights,11:N0} parameters ({100.0 * convWeights / total,4:0.0} %), {convMacs,13:N0} multiply-adds ({100.0 * convMacs / summary.MultiplyAccumulates,4:0.0} %)");
Console.WriteLine($"   3 dense layers: {denseWeights,11:N0} parameters ({100.0 * denseWeights / total,4:0.0} %), {denseMacs,13:N0} multiply-adds ({100.0 * denseMacs / summary.MultiplyAccumulates,4:0.0} %)");
Console.WriteLine($"   total:          {total,11:N0} parameters (torchvision's alexnet: 61,100,840), {summary.MultiplyAccumulates,13:N0} multiply-adds");
Console.WriteLine();
Console.WriteLine("By hand, the first convolution: 96 filters in the paper (64 in torchvision's single-stream version) of 11×11×3:");
Console.WriteLine($"   weights 11·11·3·64 + 64 = {11 * 11 * 3 * 64 + 64:N0} (summary: {rows[0].Parameters.Total:N0}); output ⌊(224 + 2·2 − 11)/4⌋ + 1 = {(224 + 4 - 11) / 4 + 1} (summary: {rows[0].Output})");
Console.WriteLine($"   The first dense layer alone, 256·6·6 → 4096: 9216·4096 + 4096 = {9216L * 4096 + 4096:N0} parameters — more than half the network.");
return total == 61_100_840 ? 0 : 1;
