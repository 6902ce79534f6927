#:project ../../src/Kernelwise/Kernelwise.csproj
// Chapter, "Receptive field" and "VGG-16": how many input pixels one output unit sees, layer after layer. With r = 1
// and jump j = 1 at the input, a window of size k and stride s gives r ← r + (k − 1)·j and j ← j·s. The script walks
// VGG-16 (thirteen 3×3 convolutions, five 2×2 poolings) on a 224×224 image with that recurrence by hand, beside the
// receptive field and jump Kernelwise's model summary reports, with each layer's parameters.
//   dotnet run examples/chapter/receptive-field-vgg16.cs
using System.Globalization;
using Kernelwise;
using Kernelwise.Layers;
using Kernelwise.Zoo;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

var summary = ModelZoo.Vgg16(batchNorm: false, numClasses: 1000, inputChannels: 3, inputSize: 224, variant: ZooVariant.ImageNet).Summary();
Console.WriteLine("VGG-16 on 3×224×224 (ImageNet configuration, torchvision's layout)");
Console.WriteLine();
Console.WriteLine("layer                      | window                   | output                | r (hand) | jump (hand) | r, jump (summary) | parameters");
Console.WriteLine("---------------------------|--------------------------|-----------------------|---------:|------------:|-------------------|-----------:");
int r = 1, j = 1, block = 1, convolution = 0;
bool allAgree = true;
foreach (var row in summary.Rows.Where(row => row.Depth == 0))
{
    string type = row.Layer.TypeName;
    int k, s;
    string label;
    if (type == "Conv2D") { k = 3; s = 1; label = $"conv{block}_{++convolution}"; }
    else if (type == "MaxPooling2D") { k = 2; s = 2; label = $"pool{block}"; block++; convolution = 0; }
    else
    {
        // Adaptive pooling to 7×7 on a 7×7 map (a 1×1 window), then the classifier: the output is no longer spatial.
        string rf = row.ReceptiveField is null ? "-" : $"{row.ReceptiveField[0]}, {row.Jump![0]}";
        Console.WriteLine($"{row.Layer.Name,-26} | {type,-24} | {row.Output,-21} | {"",8} | {"",11} | {rf,-17} | {row.Parameters.Total,10:N0}");
        continue;
    }
    r += (k - 1) * j;
    j *= s;
    allAgree &= row.ReceptiveField is not null && row.ReceptiveField[0] == r && row.Jump![0] == j;
    string window = $"{k}×{k}/{s}";
    Console.WriteLine($"{label,-26} | {window,-24} | {row.Output,-21} | {r,8} | {j,11} | {row.ReceptiveField![0] + ", " + row.Jump![0],-17} | {row.Parameters.Total,10:N0}");
}
Console.WriteLine();
Console.WriteLine(allAgree ? "The recurrence by hand and the summary agree on every convolution and pooling." : "DISAGREEMENT between the recurrence and the summary.");
Console.WriteLine($"Total parameters: {summary.PyTorchParameterCount:N0} (torchvision's vgg16: 138,357,544); multiply-accumulates per image: {summary.MultiplyAccumulates / 1e9:0.00} G.");
long convolutional = summary.Rows.Where(x => x.Depth == 0 && x.Layer.TypeName == "Conv2D").Sum(x => x.Parameters.Total);
Console.WriteLine($"The 13 convolutions hold {convolutional:N0} of them ({100.0 * convolutional / summary.PyTorchParameterCount:0.0} %); the three dense layers the rest.");
Console.WriteLine();
Console.WriteLine("Why 3×3 stacks: two 3×3 convolutions see 5×5 (r = 5) with 2·9·C² weights instead of 25·C²; three see 7×7 with");
Console.WriteLine("27·C² instead of 49·C², and add a non-linearity after each. Each pooling doubles the jump, so later 3×3 layers grow");
Console.WriteLine("r faster: +2, +4, +8, +16, +32 per convolution in blocks 1 to 5. One unit after pool5 sees a 212×212 window —");
Console.WriteLine("almost the whole 224×224 image (for units near the border, part of that window is zero padding).");
return allAgree ? 0 : 1;
