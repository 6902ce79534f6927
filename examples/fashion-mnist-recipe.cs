#:project ../src/Kernelwise/Kernelwise.csproj
#:package System.CommandLine
// The time-to-accuracy recipe: a small residual network (ModelZoo.SmallResNet, width 48) trained on Fashion-MNIST
// with one-cycle SGD, random flips, label smoothing and mixed bfloat16, then evaluated with and without flip
// test-time augmentation. docs/performance.md gives the measured runs and why each ingredient is there.
//   dotnet run examples/fashion-mnist-recipe.cs [-- --epochs 14 --width 48 --batch-size 128 --max-rate 0.2
//                                                 --precision mixed-bfloat16|float32|mixed-float16 --device auto|cpu|cuda]
// Mixed bfloat16 is fast on CPUs with AVX-512 BF16 or AMX and on recent GPUs; elsewhere pass --precision float32.
using System.CommandLine;
using System.Diagnostics;
using Kernelwise;
using Kernelwise.Data;
using Kernelwise.Training;
using Kernelwise.Zoo;
using static TorchSharp.torch;

var epochsOption = new Option<int>("--epochs") { Description = "Passes over the training set; the one-cycle schedule spans them all.", DefaultValueFactory = _ => 14 };
var widthOption = new Option<int>("--width") { Description = "Channels of the network's first block (the others are 2x and 4x).", DefaultValueFactory = _ => 48 };
var batchSizeOption = new Option<int>("--batch-size") { Description = "Images per training step.", DefaultValueFactory = _ => 128 };
var maxRateOption = new Option<double>("--max-rate") { Description = "Peak learning rate of the one-cycle schedule.", DefaultValueFactory = _ => 0.2 };
var precisionOption = new Option<string>("--precision") { Description = "mixed-bfloat16, float32 or mixed-float16.", DefaultValueFactory = _ => "mixed-bfloat16" };
var deviceOption = new Option<string>("--device") { Description = "auto, cpu, cuda or cuda:N.", DefaultValueFactory = _ => "auto" };
var seedOption = new Option<int>("--seed") { Description = "Seed for the weights, the shuffling and the augmentation.", DefaultValueFactory = _ => 1 };
var options = new RootCommand("Trains ModelZoo.SmallResNet on Fashion-MNIST with the time-to-accuracy recipe and prints its test accuracy.")
    { epochsOption, widthOption, batchSizeOption, maxRateOption, precisionOption, deviceOption, seedOption }.Parse(args);
if (options.Action is not null) return options.Invoke(); // --help, or what is wrong with the arguments
int epochs = options.GetValue(epochsOption), width = options.GetValue(widthOption), batchSize = options.GetValue(batchSizeOption);
int seed = options.GetValue(seedOption);
double maxRate = options.GetValue(maxRateOption);
var device = ComputeDevice.Parse(options.GetValue(deviceOption)!);

var (train, test) = FashionMnist.Load();
// Augmentation: a mirror image half of the time. (Random crops help longer schedules but slowed this short one.)
var augmented = train.WithTransform(new TransformPipeline().RandomHorizontalFlip());

var definition = ModelZoo.SmallResNet(numClasses: 10, inputChannels: 1, inputSize: 28, width: width);
Console.WriteLine(definition.Summary());

Reproducibility.SetSeed(seed);
// SGD with Nesterov momentum and weight decay; the rate is set every step by the one-cycle schedule (a warm-up to
// maxRate from maxRate / 25 over the first 30% of the steps, then a cosine descent to almost zero). Label smoothing 0.1
// keeps the network from growing over-confident on the training images.
using var model = definition.Build(device).Compile(
    new SGD(maxRate, momentum: 0.9, nesterov: true, weightDecay: 5e-4), new CrossEntropy(labelSmoothing: 0.1), new Accuracy());
model.PrecisionPolicy = PrecisionPolicy.Parse(options.GetValue(precisionOption)!);
long steps = (train.Count + batchSize - 1) / batchSize * epochs;
Console.WriteLine($"Training on {model.Device} in {model.PrecisionPolicy} for {epochs} epochs ({steps:N0} steps), batch size {batchSize}, one-cycle peak {maxRate}.");

var clock = Stopwatch.StartNew();
var history = model.Fit(augmented, epochs, batchSize, validationData: test, validationBatchSize: 500, seed: seed,
    callbacks: [new LearningRateScheduler(new OneCycle(steps, maxRate: maxRate))]);
double minutes = clock.Elapsed.TotalMinutes;

// The last validation pass is the plain test accuracy; test-time augmentation averages the class probabilities of each
// test image and of its mirror image.
double plain = history["val_accuracy"][^1], withFlips;
using (NewDisposeScope())
    withFlips = model.PredictProbabilitiesWithFlips(test.Inputs, 500).argmax(1).eq(test.Targets).to_type(ScalarType.Float64).mean().item<double>();
Console.WriteLine();
Console.WriteLine($"Test accuracy: {plain:0.0000} after {epochs} epochs ({minutes:0.0} minutes including the evaluation after each epoch); " +
                  $"with flip test-time augmentation: {withFlips:0.0000}.");
return 0;
