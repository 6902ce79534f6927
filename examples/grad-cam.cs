#:project ../src/Kernelwise/Kernelwise.csproj
#:package System.CommandLine
// Inside a trained network: the first layer's filters, the feature maps of every convolution for a test image,
// Grad-CAM and gradient saliency for a few correctly classified test images — and a check that Grad-CAM points at the
// garment rather than the black background, over many test images.
//   dotnet run examples/grad-cam.cs -- --out pictures [--model fashion.kwmodel] [--save fashion.kwmodel]
using System.CommandLine;
using System.Diagnostics;
using Kernelwise;
using Kernelwise.Data;
using Kernelwise.Layers;
using Kernelwise.Models;
using Kernelwise.Vision;
using static TorchSharp.torch;

var outOption = new Option<DirectoryInfo>("--out") { Description = "Folder for the pictures (created when missing).", Required = true };
var modelOption = new Option<FileInfo?>("--model") { Description = "A model archive (.kwmodel) to explain instead of training one." };
var saveOption = new Option<FileInfo?>("--save") { Description = "Save the model trained here to this archive (.kwmodel)." };
var epochsOption = new Option<int>("--epochs") { Description = "Passes over the training subset.", DefaultValueFactory = _ => 3 };
var limitOption = new Option<long>("--limit") { Description = "Train on the first N training images.", DefaultValueFactory = _ => 12_000 };
var imagesOption = new Option<int>("--images") { Description = "Test images to draw (one per class, correctly classified).", DefaultValueFactory = _ => 6 };
var layerOption = new Option<string?>("--layer") { Description = "The layer Grad-CAM weights (default: the layer named features, else the last Conv2D)." };
var checkOption = new Option<int>("--check") { Description = "Correctly classified test images in the garment-versus-background check.", DefaultValueFactory = _ => 500 };
var thresholdOption = new Option<float>("--threshold") { Description = "A pixel above this value (0 to 1) belongs to the garment.", DefaultValueFactory = _ => 0.1f };
var architectureOption = new Option<string>("--architecture") { Description = "The network trained here: gap (global average pooling after the last convolution) or flatten (the TensorFlow tutorial's).", DefaultValueFactory = _ => "gap" };
architectureOption.AcceptOnlyFromAmong("gap", "flatten");
var seedOption = new Option<int>("--seed") { Description = "Seed for the weights and the shuffling.", DefaultValueFactory = _ => 42 };
var options = new RootCommand("Draws the filters, feature maps, Grad-CAM and saliency of a Fashion-MNIST convnet, and checks that Grad-CAM highlights the garment.")
    { outOption, modelOption, saveOption, epochsOption, limitOption, imagesOption, layerOption, checkOption, thresholdOption, architectureOption, seedOption }.Parse(args);
if (options.Action is not null) return options.Invoke(); // --help, or what is wrong with the arguments
string folder = options.GetValue(outOption)!.FullName;
int imageCount = options.GetValue(imagesOption), checkCount = options.GetValue(checkOption), seed = options.GetValue(seedOption);
float threshold = options.GetValue(thresholdOption);
Directory.CreateDirectory(folder);

var clock = Stopwatch.StartNew();
using var data = FashionMnist.Load();
var test = data.Test;
var classNames = data.ClassNames;

Model model;
if (options.GetValue(modelOption) is { } archive)
{
    model = Model.Load(archive.FullName, ComputeDevice.Cpu, compile: false);
    Console.WriteLine($"Loaded '{model.Name}' from {archive.FullName}.");
}
else
{
    Reproducibility.SetSeed(seed);
    var train = data.Train.Take(options.GetValue(limitOption));
    var network = options.GetValue(architectureOption) == "flatten"
        // The TensorFlow tutorial's shape: the last convolution's maps reach the classifier through position-specific weights.
        ? new Sequential(new Shape(1, 28, 28), "fashion_convnet")
            .Conv2D(32, 3, padding: Padding.Same, activation: Activation.ReLU)
            .MaxPooling2D(2)
            .Conv2D(64, 3, padding: Padding.Same, activation: Activation.ReLU, name: "features")
            .MaxPooling2D(2)
            .Flatten()
            .Dense(128, Activation.ReLU)
            .Dropout(0.3)
            .Dense(10)
        // Global average pooling after the last convolution (the class-activation-map shape): a class score is a
        // weighted average of that layer's maps, at 14 × 14.
        : new Sequential(new Shape(1, 28, 28), "fashion_gap_convnet")
            .Conv2D(32, 3, padding: Padding.Same, useBias: false).BatchNormalization().ReLU()
            .MaxPooling2D(2)
            .Conv2D(64, 3, padding: Padding.Same, useBias: false).BatchNormalization().ReLU()
            .Conv2D(64, 3, padding: Padding.Same, useBias: false).BatchNormalization().ReLU(name: "features")
            .GlobalAveragePooling2D()
            .Dense(10);
    model = network
        .Build(ComputeDevice.Cpu)
        .Compile(new Adam(3e-3), new CrossEntropy(), new Accuracy());
    Console.WriteLine($"Training '{model.Name}' on {train.Count:N0} Fashion-MNIST images for {options.GetValue(epochsOption)} epoch(s)...");
    model.Fit(train, options.GetValue(epochsOption), batchSize: 128, seed: seed, verbose: 0);
    if (options.GetValue(saveOption) is { } save)
    {
        model.Save(save.FullName);
        Console.WriteLine($"Saved the model to {save.FullName}.");
    }
}
using var _ = model;
Console.WriteLine(model.Summary());

// Which test images the model gets right.
using var logits = model.Predict(test.Inputs, batchSize: 500);
using var predicted = logits.argmax(1);
var predictions = predicted.data<long>().ToArray();
var labels = test.Targets.data<long>().ToArray();
double accuracy = predictions.Zip(labels).Count(p => p.First == p.Second) / (double)labels.Length;
Console.WriteLine($"Test accuracy: {accuracy:0.0000} on {labels.Length:N0} images.");
var correct = Enumerable.Range(0, labels.Length).Where(i => predictions[i] == labels[i]).ToArray();

var convolutions = model.Layers.OfType<Conv2D>().Select(l => l.Name).ToList();
if (convolutions.Count == 0 && options.GetValue(layerOption) is null)
{
    Console.Error.WriteLine($"Model '{model.Name}' has no top-level Conv2D layer; name the layer to explain with --layer.");
    return 1;
}
// The layer Grad-CAM weights: the one named "features" (the last convolution's activated output in the networks trained
// here), else the last Conv2D.
string layer = options.GetValue(layerOption) ?? (model.Layers.Any(l => l.Name == "features") ? "features" : convolutions[^1]);

// One correctly classified image per class, in class order.
var shown = correct.GroupBy(i => labels[i]).OrderBy(g => g.Key).Select(g => g.First()).Take(imageCount).ToArray();
using var shownImages = test.Inputs.index_select(0, tensor(shown.Select(i => (long)i).ToArray()));

Console.WriteLine();
Console.WriteLine($"Pictures in {folder}:");
model.SaveFilters(Path.Combine(folder, "filters.png"));
Console.WriteLine($"  filters.png              the {convolutions.FirstOrDefault() ?? "first"} filters (blue negative, white zero, red positive weights)");
foreach (var conv in convolutions)
{
    string file = $"feature-maps-{conv}.png";
    model.SaveFeatureMaps(shownImages[0], conv, Path.Combine(folder, file));
    Console.WriteLine($"  {file,-24} what each filter of {conv} responds to in test image {shown[0]} ({classNames[(int)labels[shown[0]]]})");
}
using (var cam = model.GradCam(shownImages, layer))
{
    cam.Save(shownImages, Path.Combine(folder, "grad-cam.png"));
    Console.WriteLine($"  grad-cam.png             per row: image, Grad-CAM at {layer} for the predicted class, overlay");
}
using (var saliency = model.Saliency(shownImages))
{
    saliency.Save(shownImages, Path.Combine(folder, "saliency.png"));
    Console.WriteLine("  saliency.png             per row: image, |∂score/∂pixel|, overlay");
}
using (var probabilities = model.PredictProbabilities(shownImages))
{
    for (int r = 0; r < shown.Length; r++)
        Console.WriteLine($"    row {r + 1}: test image {shown[r],5}, {classNames[(int)labels[shown[r]]],-12} predicted with p = {probabilities[r, labels[shown[r]]].item<float>():0.000}");
}

// Does Grad-CAM highlight the garment? The garment is the pixels above the threshold (the background is black); the
// share of the Grad-CAM mass on those pixels is compared with the share of the image they cover — the share a map
// spread evenly over the image would give.
var checkedImages = correct.Take(checkCount).ToArray();
using var batch = test.Inputs.index_select(0, tensor(checkedImages.Select(i => (long)i).ToArray()));
using var check = model.GradCam(batch, layer);
using var garment = batch.squeeze(1).gt(threshold).to(ScalarType.Float32);
using var mass = check.Heatmap.sum(new long[] { 1, 2 });
using var onGarment = (check.Heatmap * garment).sum(new long[] { 1, 2 });
using var area = garment.mean(new long[] { 1, 2 });
var massShare = new List<double>();
var areaShare = new List<double>();
var classes = new List<int>();
int empty = 0;
for (int i = 0; i < checkedImages.Length; i++)
{
    double total = mass[i].item<float>();
    if (total <= 0)
    {
        empty++; // no positive evidence at this layer: nothing to locate
        continue;
    }
    massShare.Add(onGarment[i].item<float>() / total);
    areaShare.Add(area[i].item<float>());
    classes.Add((int)labels[checkedImages[i]]);
}
double meanMass = massShare.Average(), meanArea = areaShare.Average();
int above = massShare.Zip(areaShare).Count(p => p.First > p.Second);
Console.WriteLine();
Console.WriteLine($"Garment versus background, Grad-CAM at {layer} over {massShare.Count} correctly classified test images (garment: pixels > {threshold}):");
Console.WriteLine($"  Grad-CAM mass on the garment: {meanMass:P1} on average; the garment covers {meanArea:P1} of the image.");
Console.WriteLine($"  Per unit of area the garment holds {meanMass / meanArea:0.00}× the average; on {above} of {massShare.Count} images ({above / (double)massShare.Count:P0}) the garment holds more than its area's share.");
if (empty > 0) Console.WriteLine($"  ({empty} images had a zero map: no positive evidence at {layer}.)");
Console.WriteLine("  By class (mass share / area share):");
foreach (var g in classes.Select((c, k) => (c, k)).GroupBy(p => p.c).OrderBy(g => g.Key))
{
    double m = g.Average(p => massShare[p.k]), a = g.Average(p => areaShare[p.k]);
    Console.WriteLine($"    {classNames[g.Key],-12} {m,6:P1} / {a,6:P1}   ({g.Count()} images)");
}
Console.WriteLine($"Done in {clock.Elapsed.TotalSeconds:0} s.");
return meanMass > meanArea ? 0 : 1;
