#:project ../src/Kernelwise/Kernelwise.csproj
// The main job: the TensorFlow-tutorial convnet from the Fashion-MNIST benchmark table
// ("2 Conv+pooling", published 0.916 test accuracy), trained on the real data set.
//   dotnet run examples/fashion-mnist.cs [-- --epochs 3 --batch-size 128 --device auto|cpu|cuda --limit N]
using System.Diagnostics;
using Kernelwise;
using Kernelwise.Data;
using Kernelwise.Models;

int epochs = 3, batchSize = 128, seed = 42;
long limit = 0;
var device = ComputeDevice.Auto;
for (int i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"Option {args[i]} needs a value.");
    switch (args[i])
    {
        case "--epochs": epochs = int.Parse(Next()); break;
        case "--batch-size": batchSize = int.Parse(Next()); break;
        case "--device": device = ComputeDevice.Parse(Next()); break;
        case "--limit": limit = long.Parse(Next()); break;
        case "--seed": seed = int.Parse(Next()); break;
        case "--help" or "-h":
            Console.WriteLine("Options: --epochs N (3) --batch-size N (128) --device auto|cpu|cuda (auto) --limit N (all 60,000) --seed N (42)");
            return 0;
        default:
            Console.Error.WriteLine($"Unknown option '{args[i]}'. Use --help for the list.");
            return 2;
    }
}

var (train, test) = FashionMnist.Load();
if (limit > 0) train = train.Take(limit);
Console.WriteLine($"Fashion-MNIST: {train.Count:N0} training and {test.Count:N0} test images, classes: {string.Join(", ", test.ClassNames ?? Array.Empty<string>())}");

var definition = new Sequential(new Shape(1, 28, 28), "tutorial_convnet")
    .Conv2D(32, 5, padding: Padding.Same, activation: Activation.ReLU)
    .MaxPooling2D(2)
    .Conv2D(64, 5, padding: Padding.Same, activation: Activation.ReLU)
    .MaxPooling2D(2)
    .Flatten()
    .Dense(1024, Activation.ReLU)
    .Dropout(0.4)
    .Dense(10);
Console.WriteLine(definition.Summary());

Reproducibility.SetSeed(seed);
using var model = definition.Build(device).Compile(new Adam(1e-3), new CrossEntropy(), new Accuracy());
Console.WriteLine($"Training on {model.Device} for {epochs} epoch(s), batch size {batchSize}.");
var clock = Stopwatch.StartNew();
var history = model.Fit(train, epochs, batchSize, validationData: test, seed: seed);
double seconds = clock.Elapsed.TotalSeconds;
Console.WriteLine(history.Summary);

// The validation pass after the last epoch is the test-set evaluation: no need to run it twice.
double accuracy = history["val_accuracy"][^1], loss = history["val_loss"][^1];
Console.WriteLine();
Console.WriteLine($"Test accuracy: {accuracy:0.0000} (loss {loss:0.0000}) after {epochs} epoch(s), " +
                  $"{seconds / epochs:0.0} s per epoch including validation. Published figure for this network: 0.916.");
return 0;
