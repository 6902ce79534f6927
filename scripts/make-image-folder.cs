#:project ../src/Kernelwise/Kernelwise.csproj
// Writes Fashion-MNIST images as an image folder (one sub-folder of PNG files per class), real data for
// examples/alexnet.cs and scripts/gpu-check.sh when no other image folder is at hand.
//   dotnet run scripts/make-image-folder.cs -- OUTPUT_DIR [COUNT (all 60,000)]
using Kernelwise.Data;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

if (args.Length is < 1 or > 2)
{
    Console.Error.WriteLine("Usage: dotnet run scripts/make-image-folder.cs -- OUTPUT_DIR [COUNT]");
    return 2;
}
string output = args[0];
using var splits = FashionMnist.Load();
long count = args.Length > 1 ? Math.Min(long.Parse(args[1]), splits.Train.Count) : splits.Train.Count;
var names = splits.ClassNames.Select(n => n.Replace('/', '-').Replace(' ', '_')).ToArray();
foreach (var n in names) Directory.CreateDirectory(Path.Combine(output, n));
var pixels = splits.Train.Inputs.narrow(0, 0, count).mul(255).round().to_type(TorchSharp.torch.ScalarType.Byte).data<byte>().ToArray();
var labels = splits.Train.Targets.narrow(0, 0, count).data<long>().ToArray();
Parallel.For(0, (int)count, i =>
{
    using var image = Image.LoadPixelData<L8>(pixels.AsSpan(i * 784, 784), 28, 28);
    image.SaveAsPng(Path.Combine(output, names[labels[i]], $"{i:D5}.png"));
});
Console.WriteLine($"Wrote {count:N0} Fashion-MNIST images to '{output}' ({names.Length} class folders).");
return 0;
