#:project ../src/Kernelwise/Kernelwise.csproj
// AlexNet-style training on a folder of images (one sub-folder per class, e.g. an ImageNet subset), or on synthetic data.
//   dotnet run examples/alexnet.cs -- --data DIR [--image-size 224 --epochs 1 --batch-size 128 --lr 0.01
//                                                 --device auto|cpu|cuda --steps N --limit N --val-fraction 0.1 --seed 42]
//   dotnet run examples/alexnet.cs -- --synthetic [--synthetic-size 2560 --classes 10 ...]
// The ImageNet configuration (torchvision's alexnet) is used from 64 pixels up, the small-image variant below.
// The folder is read by Kernelwise's ImageFolder: images converted to RGB, centre-cropped to a square and resized to
// --image-size, then normalised with ImageNet's mean and standard deviation; training images are flipped left-right
// at random (drawn from the seed, the epoch and the image, so a seeded run repeats whatever the number of workers).
// Fit's loader decodes batches on worker threads; on CUDA it pins them (page-locked memory) and copies them to the GPU
// without blocking, and convolutions and matrix products use TF32 tensor cores (on Ampere and newer GPUs).
// TorchSharp 0.107 has no autocast, so float16/bfloat16 mixed precision is not available; weights and activations
// stay float32.
using System.Diagnostics;
using System.Globalization;
using Kernelwise;
using Kernelwise.Training;
using Kernelwise.Data;
using Kernelwise.Zoo;
using Kernelwise.Models;
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
    Console.WriteLine($"CUDA: {cuda.device_count()} device(s); pinned host batches (Fit's loader), non-blocking copies, TF32 tensor cores on; no float16 autocast in TorchSharp 0.107.");
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
    var folder = new ImageFolder(dataDir!, new ImageFolderOptions { ImageSize = (imageSize, imageSize), CropToAspectRatio = true, ColorMode = ColorMode.Rgb });
    if (folder.ClassNames.Count < 2)
    {
        Console.Error.WriteLine($"Image folder '{dataDir}' needs at least two sub-folders (one per class); found {folder.ClassNames.Count}.");
        return 2;
    }
    classes = folder.ClassNames.Count;
    // --limit: a seeded random choice of images; then a seeded split, both from the library's one shuffle.
    Dataset images = limit > 0 && limit < folder.Count ? folder.RandomSplit(new[] { limit, folder.Count - limit }, seed)[0] : folder;
    long held = (long)Math.Round(images.Count * valFraction);
    var parts = images.RandomSplit(new[] { images.Count - held, held }, seed);
    var imageNet = new TransformPipeline().ToTensor().Normalize(new[] { 0.485, 0.456, 0.406 }, new[] { 0.229, 0.224, 0.225 });
    var augment = new TransformPipeline().RandomHorizontalFlip().ToTensor().Normalize(new[] { 0.485, 0.456, 0.406 }, new[] { 0.229, 0.224, 0.225 });
    train = parts[0].WithTransform(augment);
    validation = held > 0 ? parts[1].WithTransform(imageNet) : null;
    Console.WriteLine($"Image folder '{dataDir}': {classes} classes, {train.Count:N0} training and {validation?.Count ?? 0:N0} validation images, " +
        $"resized to {imageSize}×{imageSize}, decoded on {train.LoaderOptions.NumWorkers} worker thread(s).");
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
