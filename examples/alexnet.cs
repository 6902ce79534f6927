#:project ../src/Kernelwise/Kernelwise.csproj
// AlexNet-style training on a folder of images (one sub-folder per class, e.g. an ImageNet subset), or on synthetic data.
//   dotnet run examples/alexnet.cs -- --data DIR [--image-size 224 --epochs 1 --batch-size 128 --lr 0.01
//                                                 --device auto|cpu|cuda --steps N --limit N --val-fraction 0.1 --seed 42]
//   dotnet run examples/alexnet.cs -- --synthetic [--synthetic-size 2560 --classes 10 ...]
// The ImageNet configuration (torchvision's alexnet) is used from 64 pixels up, the small-image variant below.
// Images are decoded with ImageSharp, resized (shorter side) and centre-cropped to --image-size, converted to RGB,
// normalised with ImageNet's mean and standard deviation; training images are flipped left-right at random.
// On CUDA the batches come from pinned (page-locked) memory and are copied to the GPU without blocking, and
// convolutions and matrix products use TF32 tensor cores (on Ampere and newer GPUs). TorchSharp 0.107 has no
// autocast, so float16/bfloat16 mixed precision is not available; weights and activations stay float32.
using System.Diagnostics;
using System.Globalization;
using Kernelwise;
using Kernelwise.Training;
using Kernelwise.Data;
using Kernelwise.Zoo;
using Kernelwise.Models;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using static TorchSharp.torch;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
string? dataDir = null;
bool synthetic = false;
int imageSize = 224, epochs = 1, batchSize = 128, seed = 42, classes = 10, syntheticSize = 2560, warmup = 10;
int? steps = null;
long limit = 0;
double lr = 0.01, valFraction = 0.1;
var device = Kernelwise.ComputeDevice.Auto;
for (int i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"Option {args[i]} needs a value.");
    switch (args[i])
    {
        case "--data": dataDir = Next(); break;
        case "--synthetic": synthetic = true; break;
        case "--synthetic-size": syntheticSize = int.Parse(Next()); break;
        case "--classes": classes = int.Parse(Next()); break;
        case "--image-size": imageSize = int.Parse(Next()); break;
        case "--epochs": epochs = int.Parse(Next()); break;
        case "--batch-size": batchSize = int.Parse(Next()); break;
        case "--steps": steps = int.Parse(Next()); break;
        case "--warmup": warmup = int.Parse(Next()); break;
        case "--limit": limit = long.Parse(Next()); break;
        case "--lr": lr = double.Parse(Next()); break;
        case "--val-fraction": valFraction = double.Parse(Next()); break;
        case "--device": device = Kernelwise.ComputeDevice.Parse(Next()); break;
        case "--seed": seed = int.Parse(Next()); break;
        case "--help" or "-h":
            Console.WriteLine("Options: --data DIR | --synthetic; --image-size N (224) --epochs N (1) --batch-size N (128) --steps N (batches per epoch; all)\n" +
                "  --warmup N (steps left out of the images/s figure; 10) --limit N (images; all) --lr X (0.01, SGD momentum 0.9) --val-fraction X (0.1)\n" +
                "  --device auto|cpu|cuda (auto) --seed N (42) --synthetic-size N (2560) --classes N (10, synthetic only)");
            return 0;
        default:
            Console.Error.WriteLine($"Unknown option '{args[i]}'. Use --help for the list.");
            return 2;
    }
}
if (synthetic == (dataDir is not null))
{
    Console.Error.WriteLine("Give either --data DIR (a folder with one sub-folder of images per class) or --synthetic.");
    return 2;
}

var resolved = device.Resolve();
if (resolved.IsCuda)
{
    backends.cuda.matmul.allow_tf32 = true;
    backends.cudnn.allow_tf32 = true;
    Console.WriteLine($"CUDA: {cuda.device_count()} device(s); pinned host batches, non-blocking copies, TF32 tensor cores on; no float16 autocast in TorchSharp 0.107.");
}

Dataset train;
Dataset? validation = null;
if (synthetic)
{
    train = new SyntheticImages(syntheticSize, classes, imageSize, seed);
    Console.WriteLine($"Synthetic data: {syntheticSize:N0} images of 3×{imageSize}×{imageSize}, {classes} classes (a class-dependent colour shift on noise).");
}
else
{
    var folder = ImageFolder.Scan(dataDir!, imageSize);
    classes = folder.Classes.Count;
    (train, validation) = folder.Split(valFraction, seed, limit);
    Console.WriteLine($"Image folder '{dataDir}': {classes} classes, {train.Count:N0} training and {validation?.Count ?? 0:N0} validation images, resized to {imageSize}×{imageSize}.");
}
if (resolved.IsCuda)
{
    train = new PinnedBatches(train);
    if (validation is not null) validation = new PinnedBatches(validation);
}

var definition = ModelZoo.AlexNet(numClasses: classes, inputChannels: 3, inputSize: imageSize);
var summary = definition.Summary();
Console.WriteLine($"AlexNet ({(imageSize < 64 ? "small-image variant" : "ImageNet configuration")}): {summary.PyTorchParameterCount:N0} parameters, " +
    $"{summary.MultiplyAccumulates / 1e9:F2} G multiply-accumulates per image.");
Reproducibility.SetSeed(seed);
using var model = definition.Build(device).Compile(new SGD(lr, momentum: 0.9, weightDecay: 5e-4), new CrossEntropy(), new Accuracy());
Console.WriteLine($"Training on {model.Device}: {epochs} epoch(s), batch size {batchSize}{(steps is int s ? $", {s} steps per epoch" : "")}, SGD {lr} momentum 0.9.");

var throughput = new Throughput(warmup, batchSize);
var history = model.Fit(train, epochs, batchSize, validationData: validation, seed: seed, stepsPerEpoch: steps, callbacks: new Callback[] { throughput }, verbose: 2);
Console.WriteLine($"Loss: first epoch {history["loss"][0]:F4}, last epoch {history["loss"][^1]:F4}" +
    (history.Contains("val_accuracy") ? $"; validation accuracy {history["val_accuracy"][^1]:F4}" : "") + ".");
Console.WriteLine(throughput.Report());
return 0;

/// <summary>
/// Training images per second, from the end of one step to the end of the next (data loading included; each step ends
/// with the loss read back, so the GPU's work is included), leaving out the first steps (warm-up, cuDNN autotuning)
/// and the first step of every epoch.
/// </summary>
sealed class Throughput(int warmup, int batchSize) : Callback
{
    private long _steps, _images, _measured;
    private double _seconds;
    private long? _previous;

    public override void OnEpochBegin(int epoch, Logs logs) => _previous = null;

    public override void OnTrainBatchEnd(int batch, Logs logs)
    {
        long now = Stopwatch.GetTimestamp();
        _steps++;
        if (_steps > warmup && _previous is long p)
        {
            _seconds += Stopwatch.GetElapsedTime(p, now).TotalSeconds;
            _images += batchSize;
            _measured++;
        }
        _previous = now;
    }

    public string Report() => _measured == 0
        ? $"Throughput: not measured ({_steps} steps, {warmup} of them warm-up); give more --steps or a smaller --warmup."
        : $"Throughput: {_images / _seconds:F1} training images/s over {_measured} steps after {warmup} warm-up steps ({_seconds:F1} s, data loading included).";
}

/// <summary>
/// Images in a folder with one sub-folder per class (class index = position of the sub-folder in ordinal order), decoded
/// with ImageSharp, resized so the shorter side is the target size, centre-cropped, RGB, normalised with ImageNet's
/// mean and standard deviation: [3, size, size]. Batches are decoded in parallel.
/// </summary>
sealed class ImageFolder : Dataset
{
    private static readonly string[] Extensions = { ".jpg", ".jpeg", ".png", ".bmp" };
    private const long MaxPixels = 50_000_000; // refuse decompression bombs before decoding
    private static readonly float[] Mean = { 0.485f, 0.456f, 0.406f }, Std = { 0.229f, 0.224f, 0.225f };
    private readonly (string Path, int Label)[] _items;
    private readonly int _size;
    private readonly bool _augment;
    private readonly int _seed;
    private long _draw;

    private ImageFolder(IReadOnlyList<string> classes, (string, int)[] items, int size, bool augment, int seed)
    {
        Classes = classes;
        _items = items;
        _size = size;
        _augment = augment;
        _seed = seed;
    }

    public IReadOnlyList<string> Classes { get; }

    public override long Count => _items.Length;

    public static ImageFolder Scan(string root, int size)
    {
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"Image folder '{root}' does not exist.");
        var classes = Directory.GetDirectories(root).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal).ToList();
        if (classes.Count < 2) throw new InvalidDataException($"Image folder '{root}' needs at least two sub-folders (one per class); found {classes.Count}.");
        var items = new List<(string, int)>();
        for (int c = 0; c < classes.Count; c++)
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(root, classes[c]!), "*", SearchOption.AllDirectories)
                         .Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant())).OrderBy(f => f, StringComparer.Ordinal))
                items.Add((file, c));
        }
        if (items.Count == 0) throw new InvalidDataException($"Image folder '{root}' holds no {string.Join("/", Extensions)} files in its class sub-folders.");
        return new ImageFolder(classes!, items.ToArray(), size, augment: false, seed: 0);
    }

    /// <summary>A seeded shuffle split into training (with random flips) and validation (without) parts.</summary>
    public (ImageFolder Train, ImageFolder? Validation) Split(double validationFraction, int seed, long limit)
    {
        var rng = new Random(seed);
        var shuffled = _items.OrderBy(_ => rng.Next()).ToArray();
        if (limit > 0) shuffled = shuffled.Take((int)Math.Min(limit, shuffled.Length)).ToArray();
        int validation = (int)Math.Round(shuffled.Length * validationFraction);
        var train = new ImageFolder(Classes, shuffled[validation..], _size, augment: true, seed);
        return (train, validation == 0 ? null : new ImageFolder(Classes, shuffled[..validation], _size, augment: false, seed));
    }

    public override (Tensor Input, Tensor Target) GetExample(long index)
    {
        var pixels = new float[3 * _size * _size];
        Decode(CheckIndex(index), pixels, 0);
        return (tensor(pixels, new long[] { 3, _size, _size }), tensor((long)_items[index].Label));
    }

    public override Batch GetBatch(long[] indices)
    {
        int plane = 3 * _size * _size;
        var pixels = new float[indices.Length * plane];
        foreach (var i in indices) CheckIndex(i);
        Parallel.For(0, indices.Length, k => Decode(indices[k], pixels, k * plane));
        var labels = indices.Select(i => (long)_items[i].Label).ToArray();
        return new Batch(tensor(pixels, new long[] { indices.Length, 3, _size, _size }), tensor(labels));
    }

    private void Decode(long index, float[] into, int offset)
    {
        var path = _items[index].Path;
        try
        {
            var info = Image.Identify(path) ?? throw new InvalidDataException($"'{path}' is not an image ImageSharp can read.");
            if ((long)info.Width * info.Height > MaxPixels)
                throw new InvalidDataException($"'{path}' is {info.Width}×{info.Height} pixels, above the limit of {MaxPixels:N0}.");
            using var image = Image.Load<Rgb24>(path);
            bool flip = _augment && new Random(HashCode.Combine(_seed, index, Interlocked.Increment(ref _draw))).Next(2) == 1;
            image.Mutate(x =>
            {
                x.Resize(new ResizeOptions { Size = new SixLabors.ImageSharp.Size(_size, _size), Mode = ResizeMode.Crop });
                if (flip) x.Flip(FlipMode.Horizontal);
            });
            int area = _size * _size;
            image.ProcessPixelRows(rows =>
            {
                for (int y = 0; y < rows.Height; y++)
                {
                    var row = rows.GetRowSpan(y);
                    for (int x = 0; x < row.Length; x++)
                    {
                        int p = offset + y * _size + x;
                        into[p] = (row[x].R / 255f - Mean[0]) / Std[0];
                        into[p + area] = (row[x].G / 255f - Mean[1]) / Std[1];
                        into[p + 2 * area] = (row[x].B / 255f - Mean[2]) / Std[2];
                    }
                }
            });
        }
        catch (Exception e) when (e is UnknownImageFormatException or InvalidImageContentException or NotSupportedException)
        {
            throw new InvalidDataException($"Cannot decode image '{path}': {e.Message}", e);
        }
    }
}

/// <summary>Noise with a class-dependent colour shift, generated per batch (nothing held in memory): learnable, so the loss falls.</summary>
sealed class SyntheticImages(int count, int classes, int size, int seed) : Dataset
{
    public override long Count => count;

    public override (Tensor Input, Tensor Target) GetExample(long index)
    {
        using var batch = GetBatch(new[] { CheckIndex(index) });
        return (batch.Inputs[0].clone(), batch.Targets[0].clone());
    }

    public override Batch GetBatch(long[] indices)
    {
        using var scope = NewDisposeScope();
        var labels = indices.Select(i => (long)((i * 2654435761L + seed) % classes)).ToArray();
        var generator = new TorchSharp.torch.Generator((ulong)(seed + indices[0]));
        var x = randn(new long[] { indices.Length, 3, size, size }, generator: generator);
        var y = tensor(labels);
        // Class c shifts channel c % 3 by a level between -1 and 1.
        var shift = new float[indices.Length * 3];
        for (int k = 0; k < indices.Length; k++) shift[k * 3 + (int)(labels[k] % 3)] = 2f * labels[k] / Math.Max(1, classes - 1) - 1f;
        x = x.add(tensor(shift, new long[] { indices.Length, 3, 1, 1 }));
        return new Batch(x.MoveToOuterDisposeScope(), y.MoveToOuterDisposeScope());
    }
}

/// <summary>Copies each batch into pinned (page-locked) host memory, so the trainer's non-blocking copy to the GPU overlaps.</summary>
sealed class PinnedBatches(Dataset inner) : Dataset
{
    public override long Count => inner.Count;

    public override (Tensor Input, Tensor Target) GetExample(long index) => inner.GetExample(index);

    public override Batch GetBatch(long[] indices)
    {
        using var batch = inner.GetBatch(indices);
        return new Batch(batch.Inputs.pin_memory(), batch.Targets.pin_memory());
    }
}
