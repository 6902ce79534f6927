#:project ../src/Kernelwise/Kernelwise.csproj
#:package System.CommandLine
// Trains a small CNN on a folder of images, one subfolder per class — Keras's image_dataset_from_directory workflow.
// Make a folder from Fashion-MNIST first:
//   dotnet run scripts/export-fashion-mnist.cs -- /tmp/fashion-png --limit 6000
//   dotnet run examples/image-folder.cs -- /tmp/fashion-png/train --test /tmp/fashion-png/test
// Options: --test DIR (evaluate there) --epochs N (3) --batch-size N (64) --image-size N (28) --color grayscale|rgb (grayscale)
//          --validation-split F (0.1) --workers N (dataset default) --augment (random crops) --seed N (42) --device auto|cpu|cuda
using System.CommandLine;
using System.Diagnostics;
using Kernelwise;
using Kernelwise.Data;
using Kernelwise.Layers;
using Kernelwise.Models;

var folderArgument = new Argument<string>("folder") { Description = "The training images: one subfolder per class." };
var testOption = new Option<string?>("--test") { Description = "A folder of test images (same classes) to evaluate on after training." };
var epochsOption = new Option<int>("--epochs") { Description = "Passes over the training set.", DefaultValueFactory = _ => 3 };
var batchSizeOption = new Option<int>("--batch-size") { Description = "Images per training step.", DefaultValueFactory = _ => 64 };
var imageSizeOption = new Option<int>("--image-size") { Description = "Images are resized to N×N pixels.", DefaultValueFactory = _ => 28 };
var colorOption = new Option<ColorMode>("--color") { Description = "How the images are loaded.", DefaultValueFactory = _ => ColorMode.Grayscale };
var validationSplitOption = new Option<double>("--validation-split") { Description = "Share of the folder held out for validation.", DefaultValueFactory = _ => 0.1 };
var workersOption = new Option<int?>("--workers") { Description = "Decoding threads (default: the dataset's choice)." };
var augmentOption = new Option<bool>("--augment") { Description = "Random shifts of up to 2 pixels while training." };
var seedOption = new Option<int>("--seed") { Description = "Seed for the split, the weights and the shuffling.", DefaultValueFactory = _ => 42 };
var deviceOption = new Option<string>("--device") { Description = "auto, cpu, cuda or cuda:N.", DefaultValueFactory = _ => "auto" };
var options = new RootCommand("Trains a small CNN on a folder of images, one subfolder per class.")
    { folderArgument, testOption, epochsOption, batchSizeOption, imageSizeOption, colorOption, validationSplitOption, workersOption, augmentOption, seedOption, deviceOption }.Parse(args);
if (options.Action is not null) return options.Invoke(); // --help, or what is wrong with the arguments
string directory = options.GetValue(folderArgument)!;
string? testDirectory = options.GetValue(testOption);
int epochs = options.GetValue(epochsOption), batchSize = options.GetValue(batchSizeOption), imageSize = options.GetValue(imageSizeOption), seed = options.GetValue(seedOption);
int? workers = options.GetValue(workersOption);
double validationSplit = options.GetValue(validationSplitOption);
bool augment = options.GetValue(augmentOption);
var colorMode = options.GetValue(colorOption);
var device = ComputeDevice.Parse(options.GetValue(deviceOption)!);

// Training augmentation: shifts of up to 2 pixels (zero padding, then a random crop back to the image size).
var transform = augment ? new TransformPipeline().RandomCrop(imageSize, padding: 2).ToTensor() : null;
var clock = Stopwatch.StartNew();
var splits = ImageDataset.FromDirectory(directory, imageSize: (imageSize, imageSize), colorMode: colorMode,
    validationSplit: validationSplit, seed: seed, onBadFile: BadFilePolicy.Skip, transform: transform);
var (train, validation) = splits;
if (workers is int w)
{
    train.WithWorkers(w);
    validation?.WithWorkers(w);
}
Console.WriteLine($"Found {train.Count + (validation?.Count ?? 0):N0} files belonging to {splits.ClassNames.Count} classes in {clock.Elapsed.TotalSeconds:0.0} s " +
                  $"({train.Count:N0} for training, {validation?.Count ?? 0:N0} for validation); loading with {train.LoaderOptions.NumWorkers} worker(s).");
Console.WriteLine($"Classes: {string.Join(", ", splits.ClassNames)}");
foreach (var skipped in splits.SkippedFiles.Take(10)) Console.WriteLine($"Skipped {skipped}");

int channels = colorMode switch { ColorMode.Grayscale => 1, ColorMode.Rgb => 3, _ => 4 };
var definition = new Sequential(new Shape(channels, imageSize, imageSize), "folder_cnn")
    .Conv2D(32, 3, padding: Padding.Same, activation: Activation.ReLU)
    .MaxPooling2D(2)
    .Conv2D(64, 3, padding: Padding.Same, activation: Activation.ReLU)
    .MaxPooling2D(2)
    .Flatten()
    .Dense(128, Activation.ReLU)
    .Dropout(0.3)
    .Dense(splits.ClassNames.Count);
Console.WriteLine(definition.Summary());

Reproducibility.SetSeed(seed);
using var model = definition.Build(device).Compile(new Adam(1e-3), new CrossEntropy(), new Accuracy());
Console.WriteLine($"Training on {model.Device} for {epochs} epoch(s), batch size {batchSize}.");
clock.Restart();
var history = model.Fit(train, epochs, batchSize, validationData: validation, seed: seed);
double seconds = clock.Elapsed.TotalSeconds;
Console.WriteLine($"Trained in {seconds:0.0} s ({train.Count * (double)epochs / seconds:N0} training images/s including validation).");
if (validation is not null) Console.WriteLine($"Validation accuracy: {history["val_accuracy"][^1]:0.0000}");

if (testDirectory is not null)
{
    var test = new ImageFolder(testDirectory, new ImageFolderOptions
    {
        ColorMode = colorMode,
        ImageSize = (imageSize, imageSize),
        ClassNames = splits.ClassNames,
        OnBadFile = BadFilePolicy.Skip,
    });
    var result = model.Evaluate(test);
    Console.WriteLine($"Test accuracy on {test.Count:N0} images: {result["accuracy"]:0.0000} (loss {result["loss"]:0.0000})");
}
int skippedTotal = train.SkippedFiles.Count;
if (skippedTotal > 0) Console.WriteLine($"{skippedTotal} file(s) were skipped; see ImageFolder.SkippedFiles for the reasons.");
return 0;
