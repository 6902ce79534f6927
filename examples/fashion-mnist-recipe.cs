#:project ../src/Kernelwise/Kernelwise.csproj
#:package System.CommandLine
// The time-to-accuracy recipe: a small residual network (ModelZoo.SmallResNet, 382,058 parameters) trained on
// Fashion-MNIST with one-cycle SGD, random crops and flips, and label smoothing, to at least 0.94 test accuracy on
// two CPU cores — beyond the 0.934 published for the two-convolution batch-norm network, with a thirtieth of
// ResNet-18's compute. docs/performance.md gives the measured run and why each ingredient is there.
//   dotnet run examples/fashion-mnist-recipe.cs [-- --epochs 12 --batch-size 128 --max-rate 0.2 --device auto|cpu|cuda
//                                                 --precision float32|mixed-bfloat16|mixed-float16 --plot FILE.png]
using System.CommandLine;
using System.Diagnostics;
using Kernelwise;
using Kernelwise.Data;
using Kernelwise.Training;
using Kernelwise.Zoo;

var epochsOption = new Option<int>("--epochs") { Description = "Passes over the training set; the one-cycle schedule spans them all.", DefaultValueFactory = _ => 12 };
var batchSizeOption = new Option<int>("--batch-size") { Description = "Images per training step.", DefaultValueFactory = _ => 128 };
var maxRateOption = new Option<double>("--max-rate") { Description = "Peak learning rate of the one-cycle schedule.", DefaultValueFactory = _ => 0.2 };
var deviceOption = new Option<string>("--device") { Description = "auto, cpu, cuda or cuda:N.", DefaultValueFactory = _ => "auto" };
var seedOption = new Option<int>("--seed") { Description = "Seed for the weights, the shuffling and the augmentation.", DefaultValueFactory = _ => 1 };
var precisionOption = new Option<string>("--precision") { Description = "float32, mixed-bfloat16 or mixed-float16.", DefaultValueFactory = _ => "float32" };
var plotOption = new Option<string?>("--plot") { Description = "Draw the training curves (loss, accuracy, learning rate) to this PNG." };
var options = new RootCommand("Trains ModelZoo.SmallResNet on Fashion-MNIST with the time-to-accuracy recipe and prints its test accuracy.")
    { epochsOption, batchSizeOption, maxRateOption, deviceOption, seedOption, precisionOption, plotOption }.Parse(args);
if (options.Action is not null) return options.Invoke(); // --help, or what is wrong with the arguments
int epochs = options.GetValue(epochsOption), batchSize = options.GetValue(batchSizeOption), seed = options.GetValue(seedOption);
double maxRate = options.GetValue(maxRateOption);
var device = ComputeDevice.Parse(options.GetValue(deviceOption)!);

var (train, test) = FashionMnist.Load();
// Augmentation: a random 28×28 window of the image padded by 2 pixels, and a mirror image half of the time.
var augmented = train.WithTransform(new TransformPipeline().RandomCrop(28, padding: 2).RandomHorizontalFlip());

var definition = ModelZoo.SmallResNet(numClasses: 10, inputChannels: 1, inputSize: 28, width: 32);
Console.WriteLine(definition.Summary());

Reproducibility.SetSeed(seed);
// SGD with Nesterov momentum and weight decay; the rate is set every step by the one-cycle schedule (a warm-up to
// maxRate from maxRate / 25 over the first 30% of the steps, then a cosine descent to almost zero). Label smoothing 0.1 keeps the
// network from growing over-confident on the training images.
using var model = definition.Build(device).Compile(
    new SGD(maxRate, momentum: 0.9, nesterov: true, weightDecay: 5e-4), new CrossEntropy(labelSmoothing: 0.1), new Accuracy());
model.PrecisionPolicy = PrecisionPolicy.Parse(options.GetValue(precisionOption)!);
long steps = (train.Count + batchSize - 1) / batchSize * epochs;
Console.WriteLine($"Training on {model.Device} in {model.PrecisionPolicy} for {epochs} epochs ({steps:N0} steps), batch size {batchSize}, one-cycle peak {maxRate}.");

var clock = Stopwatch.StartNew();
var history = model.Fit(augmented, epochs, batchSize, validationData: test, validationBatchSize: 500, seed: seed,
    callbacks: [new LearningRateScheduler(new OneCycle(steps, maxRate: maxRate))]);
double seconds = clock.Elapsed.TotalSeconds;
if (options.GetValue(plotOption) is { } plot)
{
    history.Plot(plot);
    Console.WriteLine($"Training curves drawn to {plot}.");
}

double accuracy = history["val_accuracy"][^1];
int firstAbove = history["val_accuracy"].ToList().FindIndex(a => a >= 0.94);
Console.WriteLine();
Console.WriteLine($"Test accuracy: {accuracy:0.0000} after {epochs} epochs, {seconds / 60:0.0} minutes including the evaluation after each epoch" +
                  (firstAbove >= 0 ? $"; 0.94 first reached after epoch {firstAbove + 1}." : "; 0.94 not reached."));
return 0;
