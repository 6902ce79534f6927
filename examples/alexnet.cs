#:project ../src/Kernelwise/Kernelwise.csproj
#:package System.CommandLine
// AlexNet-style training on a folder of images (one sub-folder per class, e.g. an ImageNet subset), or on synthetic data.
//   dotnet run examples/alexnet.cs -- --data DIR [--image-size 224 --epochs 1 --batch-size 128 --lr 0.01
//                                                 --device auto|cpu|cuda --steps N --limit N --val-fraction 0.1 --seed 42
//                                                 --precision float32|mixed-bfloat16|mixed-float16]
//   dotnet run examples/alexnet.cs -- --synthetic [--synthetic-size 2560 --classes 10 ...]
// The ImageNet configuration (torchvision's alexnet) is used from 64 pixels up, the small-image variant below.
// The folder is read by Kernelwise's ImageFolder: images converted to RGB, centre-cropped to a square and resized to
// --image-size, then normalised with ImageNet's mean and standard deviation; training images are flipped left-right
// at random (drawn from the seed, the epoch and the image, so a seeded run repeats whatever the number of workers).
// Fit's loader decodes batches on worker threads; on CUDA it pins them (page-locked memory) and copies them to the GPU
// without blocking, and convolutions and matrix products use TF32 tensor cores (on Ampere and newer GPUs).
// --precision mixed-float16 (or mixed-bfloat16) runs convolutions and dense layers in 16 bits on float32 master weights,
// with normalisation, softmax and the loss in float32 and, for float16, a dynamic loss scale (Kernelwise's
// PrecisionPolicy; TorchSharp 0.107 has no autocast, so the layers cast for themselves). See docs/training.md.
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Kernelwise;
using Kernelwise.Training;
using Kernelwise.Data;
using Kernelwise.Zoo;
using Kernelwise.Models;
using static TorchSharp.torch;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var dataOption = new Option<string?>("--data") { Description = "A folder with one sub-folder of images per class." };
var syntheticOption = new Option<bool>("--synthetic") { Description = "Train on random images instead of --data." };
var syntheticSizeOption = new Option<int>("--synthetic-size") { Description = "Synthetic images.", DefaultValueFactory = _ => 2560 };
var classesOption = new Option<int>("--classes") { Description = "Classes of the synthetic data.", DefaultValueFactory = _ => 10 };
var imageSizeOption = new Option<int>("--image-size") { Description = "Images are cropped to N×N pixels.", DefaultValueFactory = _ => 224 };
var epochsOption = new Option<int>("--epochs") { Description = "Passes over the training set.", DefaultValueFactory = _ => 1 };
var batchSizeOption = new Option<int>("--batch-size") { Description = "Images per training step.", DefaultValueFactory = _ => 128 };
var stepsOption = new Option<int?>("--steps") { Description = "Batches per epoch (default: all)." };
var warmupOption = new Option<int>("--warmup") { Description = "Steps left out of the images/s figure.", DefaultValueFactory = _ => 10 };
var limitOption = new Option<long>("--limit") { Description = "Use the first N images only (0: all)." };
var lrOption = new Option<double>("--lr") { Description = "Learning rate of SGD with momentum 0.9.", DefaultValueFactory = _ => 0.01 };
var valFractionOption = new Option<double>("--val-fraction") { Description = "Share of the images held out for validation.", DefaultValueFactory = _ => 0.1 };
var deviceOption = new Option<string>("--device") { Description = "auto, cpu, cuda or cuda:N.", DefaultValueFactory = _ => "auto" };
var seedOption = new Option<int>("--seed") { Description = "Seed for the split, the weights and the shuffling.", DefaultValueFactory = _ => 42 };
var precisionOption = new Option<string>("--precision") { Description = "float32, mixed-bfloat16 or mixed-float16.", DefaultValueFactory = _ => "float32" };
var command = new RootCommand("AlexNet-style training on a folder of images, or on synthetic data.")
    { dataOption, syntheticOption, syntheticSizeOption, classesOption, imageSizeOption, epochsOption, batchSizeOption, stepsOption, warmupOption, limitOption, lrOption, valFractionOption, deviceOption, seedOption, precisionOption };
command.Validators.Add(r => { if (r.GetValue(syntheticOption) == (r.GetValue(dataOption) is not null)) r.AddError("Give either --data DIR (a folder with one sub-folder of images per class) or --synthetic."); });
var options = command.Parse(args);
if (options.Action is not null) return options.Invoke(); // --help, or what is wrong with the arguments
string? dataDir = options.GetValue(dataOption);
bool synthetic = options.GetValue(syntheticOption);
int imageSize = options.GetValue(imageSizeOption), epochs = options.GetValue(epochsOption), batchSize = options.GetValue(batchSizeOption), seed = options.GetValue(seedOption),
    classes = options.GetValue(classesOption), syntheticSize = options.GetValue(syntheticSizeOption), warmup = options.GetValue(warmupOption);
int? steps = options.GetValue(stepsOption);
long limit = options.GetValue(limitOption);
double lr = options.GetValue(lrOption), valFraction = options.GetValue(valFractionOption);
var device = Kernelwise.ComputeDevice.Parse(options.GetValue(deviceOption)!);
var precision = PrecisionPolicy.Parse(options.GetValue(precisionOption)!);

var resolved = device.Resolve();
if (resolved.IsCuda)
{
    backends.cuda.matmul.allow_tf32 = true;
    backends.cudnn.allow_tf32 = true;
    Console.WriteLine($"CUDA: {cuda.device_count()} device(s); pinned host batches (Fit's loader), non-blocking copies, TF32 tensor cores on for float32 work.");
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
model.PrecisionPolicy = precision;
Console.WriteLine($"Training on {model.Device} in {precision}: {epochs} epoch(s), batch size {batchSize}{(steps is int s ? $", {s} steps per epoch" : "")}, SGD {lr} momentum 0.9.");

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
