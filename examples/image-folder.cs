#:project ../src/Kernelwise/Kernelwise.csproj
// Trains a small CNN on a folder of images, one subfolder per class — Keras's image_dataset_from_directory workflow.
// Make a folder from Fashion-MNIST first:
//   dotnet run scripts/export-fashion-mnist.cs -- /tmp/fashion-png --limit 6000
//   dotnet run examples/image-folder.cs -- /tmp/fashion-png/train --test /tmp/fashion-png/test
// Options: --test DIR (evaluate there) --epochs N (3) --batch-size N (64) --image-size N (28) --color grayscale|rgb (grayscale)
//          --validation-split F (0.1) --workers N (dataset default) --augment (random crops) --seed N (42) --device auto|cpu|cuda
using System.Diagnostics;
using Kernelwise;
using Kernelwise.Data;
using Kernelwise.Layers;
using Kernelwise.Models;

string? directory = null, testDirectory = null;
int epochs = 3, batchSize = 64, imageSize = 28, seed = 42;
int? workers = null;
double validationSplit = 0.1;
bool augment = false;
var colorMode = ColorMode.Grayscale;
var device = ComputeDevice.Auto;
for (int i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"Option {args[i]} needs a value.");
    switch (args[i])
    {
        case "--test": testDirectory = Next(); break;
        case "--epochs": epochs = int.Parse(Next()); break;
        case "--batch-size": batchSize = int.Parse(Next()); break;
        case "--image-size": imageSize = int.Parse(Next()); break;
        case "--color": colorMode = Enum.Parse<ColorMode>(Next(), ignoreCase: true); break;
        case "--validation-split": validationSplit = double.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture); break;
        case "--workers": workers = int.Parse(Next()); break;
        case "--augment": augment = true; break;
        case "--seed": seed = int.Parse(Next()); break;
        case "--device": device = ComputeDevice.Parse(Next()); break;
        case "--help" or "-h":
            Console.WriteLine("Usage: dotnet run examples/image-folder.cs -- <folder> [--test DIR] [--epochs N] [--batch-size N] [--image-size N] " +
                              "[--color grayscale|rgb] [--validation-split F] [--workers N] [--augment] [--seed N] [--device auto|cpu|cuda]");
            return 0;
        default:
            if (args[i].StartsWith('-') || directory is not null)
            {
                Console.Error.WriteLine($"Unknown argument '{args[i]}'. Use --help for the list.");
                return 2;
            }
            directory = args[i];
            break;
    }
}
if (directory is null)
{
    Console.Error.WriteLine("Missing the image folder. Usage: dotnet run examples/image-folder.cs -- <folder> [options]; --help for the options.");
    return 2;
}

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
