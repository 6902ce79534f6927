#:project ../src/Kernelwise/Kernelwise.csproj
// Writes Fashion-MNIST as a PNG image-folder tree, one subfolder per class, that ImageFolder and
// ImageDataset.FromDirectory read (and examples/image-folder.cs trains on):
//   <out-dir>/train/0_T-shirt_top/00000.png ... <out-dir>/train/9_Ankle_boot/...
//   <out-dir>/test/...
// Folder names start with the label so that their ordinal order is the label order.
//   dotnet run scripts/export-fashion-mnist.cs -- <out-dir> [--limit N] [--source DIR]
//     --limit N    at most N images per split (the first N), for a quick tree
//     --source DIR folder holding the four IDX files (default: Kernelwise's search order)
using System.Diagnostics;
using Kernelwise.Data;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using static TorchSharp.torch;

string? outDir = null, source = null;
long limit = long.MaxValue;
for (int i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"Option {args[i]} needs a value.");
    switch (args[i])
    {
        case "--limit": limit = long.Parse(Next()); break;
        case "--source": source = Next(); break;
        case "--help" or "-h":
            Console.WriteLine("Usage: dotnet run scripts/export-fashion-mnist.cs -- <out-dir> [--limit N] [--source DIR]");
            return 0;
        default:
            if (args[i].StartsWith('-') || outDir is not null)
            {
                Console.Error.WriteLine($"Unknown argument '{args[i]}'. Usage: <out-dir> [--limit N] [--source DIR]");
                return 2;
            }
            outDir = args[i];
            break;
    }
}
if (outDir is null)
{
    Console.Error.WriteLine("Missing <out-dir>. Usage: dotnet run scripts/export-fashion-mnist.cs -- <out-dir> [--limit N] [--source DIR]");
    return 2;
}
if (limit < 1)
{
    Console.Error.WriteLine($"--limit must be at least 1; received {limit}.");
    return 2;
}

var clock = Stopwatch.StartNew();
using var splits = FashionMnist.Load(source);
var folders = FashionMnist.ClassNames
    .Select((name, label) => $"{label}_{string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c == '-' ? c : '_'))}")
    .ToArray();
var encoder = new PngEncoder { ColorType = PngColorType.Grayscale, BitDepth = PngBitDepth.Bit8 };
long written = 0;
foreach (var (name, data) in new[] { ("train", splits.Train), ("test", splits.Test) })
{
    long n = Math.Min(limit, data.Count);
    byte[] pixels;
    long[] labels;
    using (var scope = NewDisposeScope())
    {
        pixels = data.Inputs.narrow(0, 0, n).mul(255).round().clamp(0, 255).to(ScalarType.Byte).contiguous().data<byte>().ToArray();
        labels = data.Targets.narrow(0, 0, n).data<long>().ToArray();
    }
    int h = (int)data.Inputs.shape[2], w = (int)data.Inputs.shape[3];
    foreach (var folder in folders) Directory.CreateDirectory(Path.Combine(outDir, name, folder));
    Parallel.For(0, n, i =>
    {
        using var image = Image.LoadPixelData<L8>(pixels.AsSpan((int)(i * h * w), h * w), w, h);
        image.Save(Path.Combine(outDir, name, folders[labels[i]], $"{i:D5}.png"), encoder);
    });
    written += n;
    Console.WriteLine($"{name}: {n:N0} images written to {Path.GetFullPath(Path.Combine(outDir, name))}");
}
Console.WriteLine($"Done: {written:N0} PNG files in {clock.Elapsed.TotalSeconds:0.0} s (from {splits.SourceDirectory}).");
return 0;
