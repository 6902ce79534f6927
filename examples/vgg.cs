#:project ../src/Kernelwise/Kernelwise.csproj
// VGG on Fashion-MNIST: the zoo's small-image VGG-16 with batch normalisation (thirteen 3×3 convolutions in five
// stages with "same" max pooling, 28 → 14 → 7 → 4 → 2 → 1, then a 512-512 classifier), trained with Adam and
// evaluated on the 10,000 test images after every epoch.
//   dotnet run examples/vgg.cs [-- --depth 11|13|16|19 --no-bn --epochs 2 --batch-size 128 --lr 0.001
//                                  --device auto|cpu|cuda --limit N --test-limit N --seed 42 --summary]
// --limit / --test-limit take the first N images of each split, for a quick run on a CPU.
using System.Diagnostics;
using System.Globalization;
using Kernelwise;
using Kernelwise.Training;
using Kernelwise.Data;
using Kernelwise.Zoo;
using Kernelwise.Models;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
int depth = 16, epochs = 2, batchSize = 128, seed = 42;
long limit = 0, testLimit = 0;
double lr = 1e-3;
bool printSummary = false, batchNorm = true;
var device = ComputeDevice.Auto;
for (int i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"Option {args[i]} needs a value.");
    switch (args[i])
    {
        case "--depth": depth = int.Parse(Next()); break;
        case "--no-bn": batchNorm = false; break;
        case "--epochs": epochs = int.Parse(Next()); break;
        case "--batch-size": batchSize = int.Parse(Next()); break;
        case "--lr": lr = double.Parse(Next()); break;
        case "--device": device = ComputeDevice.Parse(Next()); break;
        case "--limit": limit = long.Parse(Next()); break;
        case "--test-limit": testLimit = long.Parse(Next()); break;
        case "--seed": seed = int.Parse(Next()); break;
        case "--summary": printSummary = true; break;
        case "--help" or "-h":
            Console.WriteLine("Options: --depth 11|13|16|19 (16) --no-bn (batch norm is on by default) --epochs N (2) --batch-size N (128) --lr X (0.001) --device auto|cpu|cuda (auto) " +
                "--limit N (all 60,000) --test-limit N (all 10,000) --seed N (42) --summary (print every layer)");
            return 0;
        default:
            Console.Error.WriteLine($"Unknown option '{args[i]}'. Use --help for the list.");
            return 2;
    }
}

using var splits = FashionMnist.Load();
using var train = splits.Train.Take(limit > 0 ? limit : splits.Train.Count);
using var test = splits.Test.Take(testLimit > 0 ? testLimit : splits.Test.Count);
Console.WriteLine($"Fashion-MNIST: {train.Count:N0} training and {test.Count:N0} test images.");

Func<bool, int, int, int, ZooVariant, double, Sequential> vgg = depth switch
{
    11 => ModelZoo.Vgg11,
    13 => ModelZoo.Vgg13,
    16 => ModelZoo.Vgg16,
    19 => ModelZoo.Vgg19,
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
