#:project ../src/Kernelwise/Kernelwise.csproj
// GoogLeNet (Inception-v1) on Fashion-MNIST: the zoo's small-image GoogLeNet (a 3×3 stem without the first max
// pooling, then nine Inception modules at 14, 7 and 4 pixels) with its two auxiliary classifiers, trained with Adam on
// loss + 0.3 × each auxiliary loss (the paper's recipe) and evaluated on the 10,000 test images after every epoch (the
// auxiliary heads run only in training).
//   dotnet run examples/inception.cs [-- --no-aux --aux-weight 0.3 --epochs 2 --batch-size 128 --lr 0.001
//                                        --device auto|cpu|cuda --limit N --test-limit N --seed 42 --summary]
// --limit / --test-limit take the first N images of each split, for a quick run on a CPU.
using System.Diagnostics;
using System.Globalization;
using Kernelwise;
using Kernelwise.Training;
using Kernelwise.Data;
using Kernelwise.Layers;
using Kernelwise.Zoo;
using Kernelwise.Models;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
int epochs = 2, batchSize = 128, seed = 42;
long limit = 0, testLimit = 0;
double lr = 1e-3, auxWeight = 0.3;
bool printSummary = false, auxiliary = true;
var device = ComputeDevice.Auto;
for (int i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"Option {args[i]} needs a value.");
    switch (args[i])
    {
        case "--no-aux": auxiliary = false; break;
        case "--aux-weight": auxWeight = double.Parse(Next()); break;
        case "--epochs": epochs = int.Parse(Next()); break;
        case "--batch-size": batchSize = int.Parse(Next()); break;
        case "--lr": lr = double.Parse(Next()); break;
        case "--device": device = ComputeDevice.Parse(Next()); break;
        case "--limit": limit = long.Parse(Next()); break;
        case "--test-limit": testLimit = long.Parse(Next()); break;
        case "--seed": seed = int.Parse(Next()); break;
        case "--summary": printSummary = true; break;
        case "--help" or "-h":
            Console.WriteLine("Options: --no-aux (auxiliary heads are on by default) --aux-weight X (0.3) --epochs N (2) --batch-size N (128) --lr X (0.001) --device auto|cpu|cuda (auto) " +
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

var aux = auxiliary ? new AuxiliaryOutputs() : null;
var definition = ModelZoo.GoogLeNet(numClasses: 10, inputChannels: 1, inputSize: 28, variant: ZooVariant.SmallImages, auxiliaryOutputs: aux);
var summary = definition.Summary();
if (printSummary) Console.WriteLine(summary);
Console.WriteLine($"GoogLeNet (small-image variant{(auxiliary ? ", with auxiliary heads" : "")}): {summary.PyTorchParameterCount:N0} parameters, " +
    $"{summary.MultiplyAccumulates / 1e6:F1} M multiply-accumulates per image.");

Reproducibility.SetSeed(seed);
Loss loss = aux is null ? new CrossEntropy() : new AuxiliaryLoss(new CrossEntropy(), aux, auxWeight);
using var model = definition.Build(device).Compile(new Adam(lr), loss, new Accuracy());
Console.WriteLine($"Training on {model.Device} for {epochs} epoch(s), batch size {batchSize}, Adam {lr}" +
    (aux is null ? "." : $"; training loss = main + {auxWeight} × each auxiliary loss, test loss = main only."));
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
