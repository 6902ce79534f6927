#:project ../src/Kernelwise/Kernelwise.csproj
#:package System.CommandLine
// Fine-tunes a pretrained zoo model on your own images, one subfolder per class — Keras's "transfer learning &
// fine-tuning" guide and fastai's fine_tune, in Kernelwise:
//   1. torchvision's ImageNet weights (downloaded once into the cache, checksum-verified), or a .pth/.safetensors file in
//      torchvision's layout, loaded into the zoo model without its classifier; a new head for your classes;
//   2. the ImageNet preprocessing (resize 256, centre crop 224, ImageNet mean and std) for validation, random resized
//      crops and flips for training, plus augmentation layers inside the model (random flip, rotation, zoom — training only);
//   3. the head trained with the backbone frozen (its batch normalisation in inference mode), then every layer with
//      discriminative learning rates (a hundredth of the head's rate for the first layers) and a one-cycle schedule;
//   4. the model saved as an archive (.kwmodel) with its class names and preprocessing; classify images with
//      dotnet run scripts/predict.cs -- model.kwmodel image.jpg
//   dotnet run examples/fine-tune-folder.cs -- photos/ --weights resnet18 [--epochs 4 --head-epochs 1 --lr 1e-3 --output model.kwmodel]
//   dotnet run examples/fine-tune-folder.cs -- photos/ --weights ~/resnet18-f37072fd.pth --arch resnet18   (offline, a file you have)
// Registry names: alexnet, vgg16, vgg16_bn, googlenet, resnet18, resnet34, resnet50. docs/transfer-learning.md walks through it.
using System.CommandLine;
using System.Diagnostics;
using Kernelwise;
using Kernelwise.Data;
using Kernelwise.Layers;
using Kernelwise.Models;
using Kernelwise.Training;
using Kernelwise.Zoo;

var folderArgument = new Argument<string>("folder") { Description = "Your images: one subfolder per class (JPEG, PNG, BMP, GIF, WebP)." };
var weightsOption = new Option<string>("--weights") { Description = "A registry name (resnet18, resnet50, vgg16, ...) or a .pth/.safetensors file in torchvision's layout.", DefaultValueFactory = _ => "resnet18" };
var archOption = new Option<string?>("--arch") { Description = "The architecture of a weights file (a registry name); taken from --weights when that is a name." };
var epochsOption = new Option<int>("--epochs") { Description = "Epochs of every layer after the head's.", DefaultValueFactory = _ => 4 };
var headEpochsOption = new Option<int>("--head-epochs") { Description = "Epochs of the new head alone, backbone frozen.", DefaultValueFactory = _ => 1 };
var lrOption = new Option<double>("--lr") { Description = "The head's learning rate; the first layers get a hundredth of it.", DefaultValueFactory = _ => 1e-3 };
var batchSizeOption = new Option<int>("--batch-size") { Description = "Images per step.", DefaultValueFactory = _ => 32 };
var imageSizeOption = new Option<int>("--image-size") { Description = "Side of the crop the model sees (224 as in ImageNet training; smaller is faster).", DefaultValueFactory = _ => 224 };
var validationSplitOption = new Option<double>("--validation-split") { Description = "Share of the images held out for validation.", DefaultValueFactory = _ => 0.2 };
var outputOption = new Option<string>("--output") { Description = "Where the model archive goes.", DefaultValueFactory = _ => "fine-tuned.kwmodel" };
var offlineOption = new Option<bool>("--offline") { Description = "Never download: use the cache, the KERNELWISE_WEIGHTS folder or PyTorch's cache." };
var seedOption = new Option<int>("--seed") { Description = "Seed for the split, the new head and the shuffling.", DefaultValueFactory = _ => 42 };
var deviceOption = new Option<string>("--device") { Description = "auto, cpu, cuda or cuda:N.", DefaultValueFactory = _ => "auto" };
var options = new RootCommand("Fine-tunes a pretrained zoo model on a folder of images and saves a model archive.")
    { folderArgument, weightsOption, archOption, epochsOption, headEpochsOption, lrOption, batchSizeOption, imageSizeOption, validationSplitOption, outputOption, offlineOption, seedOption, deviceOption }
    .Parse(args);
if (options.Action is not null) return options.Invoke(); // --help, or what is wrong with the arguments
string folder = options.GetValue(folderArgument)!, weights = options.GetValue(weightsOption)!, output = options.GetValue(outputOption)!;
int epochs = options.GetValue(epochsOption), headEpochs = options.GetValue(headEpochsOption), batchSize = options.GetValue(batchSizeOption);
int imageSize = options.GetValue(imageSizeOption), seed = options.GetValue(seedOption);
double lr = options.GetValue(lrOption), validationSplit = options.GetValue(validationSplitOption);
var device = ComputeDevice.Parse(options.GetValue(deviceOption)!);

// The architecture and its published preprocessing: from the registry entry named by --weights, or by --arch for a file.
bool isFile = File.Exists(weights);
var entry = PretrainedWeights.Get(isFile ? options.GetValue(archOption) ?? "resnet18" : weights);
var preprocessing = entry.Preprocessing with { Width = imageSize, Height = imageSize, ResizeSize = imageSize * 256 / 224 };
Console.WriteLine($"{entry.Architecture}, weights {(isFile ? $"from '{weights}'" : $"'{entry.Name}' ({entry.Url})")}; preprocessing: " +
    $"resize {preprocessing.ResizeSize}, centre crop {imageSize}, mean ({string.Join(", ", preprocessing.Mean!)}), std ({string.Join(", ", preprocessing.Std!)}).");

// Images: original sizes decoded, then the training augmentation or the evaluation preset.
var clock = Stopwatch.StartNew();
var splits = ImageDataset.FromDirectory(folder, validationSplit: validationSplit, seed: seed, onBadFile: BadFilePolicy.Skip,
    transform: preprocessing.ToTrainingPipeline(scale: (0.35, 1.0)), options: new ImageFolderOptions { ImageSize = null, ColorMode = ColorMode.Rgb });
var train = splits.Train;
var validation = splits.Validation?.WithTransform(preprocessing.ToPipeline());
int classes = splits.ClassNames.Count;
Console.WriteLine($"{train.Count + (validation?.Count ?? 0):N0} images of {classes} classes ({string.Join(", ", splits.ClassNames)}) in {clock.Elapsed.TotalSeconds:0.0} s; " +
    $"{train.Count:N0} for training, {validation?.Count ?? 0:N0} for validation.");
foreach (var skipped in splits.SkippedFiles.Take(10)) Console.WriteLine($"Skipped {skipped}");

// The model: augmentation layers (training only), the pretrained backbone without its classifier, a new head.
var backbone = entry.Definition(includeTop: false, pooling: ZooPooling.Average);
var definition = new Sequential(new Shape(3, imageSize, imageSize), entry.Name + "_fine_tuned")
    .RandomFlip(FlipMode.Horizontal)
    .RandomRotation(0.03)
    .RandomZoom(0.1);
foreach (var layer in backbone.Layers) definition.Add(layer);
definition.Dropout(0.2).Dense(classes, name: "head");

Reproducibility.SetSeed(seed);
using var model = definition.Build(device);
WeightsLoadReport report;
try
{
    report = PretrainedWeights.Load(model, weights, new PretrainedOptions { Download = !options.GetValue(offlineOption) }, log: Console.Out);
}
catch (PretrainedWeightsException e) // no network, a failed or corrupt download, no copy offline: the message says what to do
{
    Console.Error.WriteLine(e.Message);
    return 1;
}
Console.WriteLine($"Pretrained tensors loaded: {report.Loaded.Count}; new head: {string.Join(", ", report.Missing.Select(m => m.Key))}.");

// Stage 1: the head alone; the backbone is frozen and its batch normalisation runs in inference mode.
var callbacks = new List<Callback>();
model.FreezeBefore("head");
model.Compile(new Adam(lr), new CrossEntropy(), new Accuracy());
Console.WriteLine($"Training the head for {headEpochs} epoch(s) on {model.Device}, {model.Summary().Totals.Trainable:N0} trainable parameters.");
model.Fit(train, headEpochs, batchSize, validationData: validation, seed: seed, verbose: 2);

// Stage 2: every layer, with rates spread geometrically from lr/100 (first layers) to lr (head), one-cycle schedule.
model.Unfreeze();
var named = backbone.Layers.Where(l => l.RequestedName is not null).Select(l => l.Name).ToList();
var rates = LayerRate.Geometric(lr / 100, lr, named[0], named[named.Count / 2], "head");
model.Compile(new Adam(lr) { LayerRates = rates }, new CrossEntropy(), new Accuracy());
long steps = epochs * (long)Math.Ceiling(train.Count / (double)batchSize);
Console.WriteLine($"Fine-tuning every layer for {epochs} epoch(s): learning rates {string.Join(", ", rates.Select(r => $"{r.LearningRate:0.#####} from {r.FromLayer}"))}.");
var history = model.Fit(train, epochs, batchSize, validationData: validation, seed: seed, verbose: 2,
    callbacks: [new LearningRateScheduler(new OneCycle(Math.Max(2, steps)))]);
if (validation is not null) Console.WriteLine($"Validation accuracy: {history["val_accuracy"][^1]:0.0000}");

// The archive: architecture (augmentation layers included), weights, class names and preprocessing.
model.Metadata = new ModelMetadata
{
    ClassNames = splits.ClassNames,
    Preprocessing = preprocessing,
    Description = $"{entry.Architecture} pretrained on ImageNet-1K ({(isFile ? Path.GetFileName(weights) : entry.FileName)}), fine-tuned on '{Path.GetFullPath(folder)}'.",
};
model.Save(output);
Console.WriteLine($"Saved '{output}' in {clock.Elapsed.TotalSeconds:0} s. Classify an image: dotnet run scripts/predict.cs -- {output} photo.jpg");
return 0;
