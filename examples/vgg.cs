#:project ../src/Kernelwise/Kernelwise.csproj
#:package System.CommandLine
// VGG on Fashion-MNIST: the zoo's small-image VGG-16 with batch normalisation (thirteen 3×3 convolutions in five
// stages with "same" max pooling, 28 → 14 → 7 → 4 → 2 → 1, then a 512-512 classifier), trained with Adam and
// evaluated on the 10,000 test images after every epoch.
//   dotnet run examples/vgg.cs [-- --depth 11|13|16|19 --no-bn --epochs 2 --batch-size 128 --lr 0.001
//                                  --device auto|cpu|cuda --limit N --test-limit N --seed 42 --summary]
// --limit / --test-limit take the first N images of each split, for a quick run on a CPU.
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Kernelwise;
using Kernelwise.Training;
using Kernelwise.Data;
using Kernelwise.Zoo;
using Kernelwise.Models;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var depthOption = new Option<int>("--depth") { Description = "11, 13, 16 or 19.", DefaultValueFactory = _ => 16 };
var noBatchNormOption = new Option<bool>("--no-bn") { Description = "Leave out batch normalisation (on by default)." };
var epochsOption = new Option<int>("--epochs") { Description = "Passes over the training set.", DefaultValueFactory = _ => 2 };
var batchSizeOption = new Option<int>("--batch-size") { Description = "Images per training step.", DefaultValueFactory = _ => 128 };
var lrOption = new Option<double>("--lr") { Description = "Adam's learning rate.", DefaultValueFactory = _ => 1e-3 };
var deviceOption = new Option<string>("--device") { Description = "auto, cpu, cuda or cuda:N.", DefaultValueFactory = _ => "auto" };
var limitOption = new Option<long>("--limit") { Description = "Train on the first N images only (0: all 60,000)." };
var testLimitOption = new Option<long>("--test-limit") { Description = "Test on the first N images only (0: all 10,000)." };
var seedOption = new Option<int>("--seed") { Description = "Seed for the weights and the shuffling.", DefaultValueFactory = _ => 42 };
var summaryOption = new Option<bool>("--summary") { Description = "Print every layer." };
var options = new RootCommand("Trains the zoo's small-image VGG on Fashion-MNIST and tests it after every epoch.")
    { depthOption, noBatchNormOption, epochsOption, batchSizeOption, lrOption, deviceOption, limitOption, testLimitOption, seedOption, summaryOption }.Parse(args);
if (options.Action is not null) return options.Invoke(); // --help, or what is wrong with the arguments
int depth = options.GetValue(depthOption);
bool batchNorm = !options.GetValue(noBatchNormOption);
int epochs = options.GetValue(epochsOption), batchSize = options.GetValue(batchSizeOption), seed = options.GetValue(seedOption);
long limit = options.GetValue(limitOption), testLimit = options.GetValue(testLimitOption);
double lr = options.GetValue(lrOption);
bool printSummary = options.GetValue(summaryOption);
var device = ComputeDevice.Parse(options.GetValue(deviceOption)!);

using var splits = FashionMnist.Load();
using var train = splits.Train.Take(limit > 0 ? limit : splits.Train.Count);
using var test = splits.Test.Take(testLimit > 0 ? testLimit : splits.Test.Count);
Console.WriteLine($"Fashion-MNIST: {train.Count:N0} training and {test.Count:N0} test images.");

Func<bool, int, int, int, ZooVariant, double, Sequential> vgg = depth switch
{
    11 => (bn, classes, channels, size, variant, dropout) => ModelZoo.Vgg11(bn, classes, channels, size, variant, dropout),
    13 => (bn, classes, channels, size, variant, dropout) => ModelZoo.Vgg13(bn, classes, channels, size, variant, dropout),
    16 => (bn, classes, channels, size, variant, dropout) => ModelZoo.Vgg16(bn, classes, channels, size, variant, dropout),
    19 => (bn, classes, channels, size, variant, dropout) => ModelZoo.Vgg19(bn, classes, channels, size, variant, dropout),
    _ => throw new ArgumentException($"--depth must be 11, 13, 16 or 19; received {depth}."),
};
var definition = vgg(batchNorm, 10, 1, 28, ZooVariant.SmallImages, 0.5);
var summary = definition.Summary();
if (printSummary) Console.WriteLine(summary);
Console.WriteLine($"VGG-{depth}{(batchNorm ? "-BN" : "")} (small-image variant): {summary.PyTorchParameterCount:N0} parameters, " +
    $"{summary.MultiplyAccumulates / 1e6:F1} M multiply-accumulates per image.");

Reproducibility.SetSeed(seed);
using var model = definition.Build(device).Compile(new Adam(lr), new CrossEntropy(), new Accuracy());
Console.WriteLine($"Training on {model.Device} for {epochs} epoch(s), batch size {batchSize}, Adam {lr}.");
var clock = new Stopwatch();
var epochSeconds = new List<double>();
var timer = new LambdaCallback(onEpochBegin: (_, _) => clock.Restart(), onEpochEnd: (_, _) => epochSeconds.Add(clock.Elapsed.TotalSeconds));
var history = model.Fit(train, epochs, batchSize, validationData: test, seed: seed, callbacks: new Callback[] { timer }, verbose: 2);

Console.WriteLine();
Console.WriteLine("epoch  train loss  train acc  test loss  test acc  seconds (training + test)");
for (int e = 0; e < epochSeconds.Count; e++)
{
    Console.WriteLine($"{e + 1,5}  {history["loss"][e],10:F4}  {history["accuracy"][e],9:F4}  {history["val_loss"][e],9:F4}  {history["val_accuracy"][e],8:F4}  {epochSeconds[e],7:F1}");
}
Console.WriteLine($"Test accuracy after {epochSeconds.Count} epoch(s): {history["val_accuracy"][^1]:F4}; {epochSeconds.Average():F1} s per epoch " +
    $"({train.Count / epochSeconds.Average():F0} training images/s including the test pass).");
return 0;
