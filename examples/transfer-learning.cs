#:project ../src/Kernelwise/Kernelwise.csproj
#:package System.CommandLine
// Transfer learning on real data, with no download: does a backbone pretrained on some classes help with others?
//   1. pretrain a small ResNet-style model (the zoo's ResNet-18, narrowed) on Fashion-MNIST classes 0–4 (T-shirt,
//      trouser, pullover, dress, coat) and save it in torchvision's .pth layout;
//   2. load that file as a pretrained backbone without its classifier, add a new 5-class head, and fine-tune on 100
//      training images per class of classes 5–9 (sandal, shirt, sneaker, bag, ankle boot), every layer at once (optionally
//      the head alone first, backbone frozen: --head-epochs);
//   3. train the same architecture from scratch on the same 500 images for the same number of steps, each run at the
//      better of 3e-3 and 1e-2 in a sweep over three seeds (one-cycle schedule for both);
//   4. print both accuracies on all 5,000 test images of classes 5–9, the last line being
//      "from scratch: 0.xxxx  fine-tuned: 0.xxxx".
// The default budget on the new task is short (one pass over the 500 images, 20 steps), where a pretrained start matters
// most; with longer training the gap narrows (docs/transfer-learning.md has the figures).
//   dotnet run examples/transfer-learning.cs [-- --width 16 --pretrain-per-class 6000 --pretrain-epochs 6 --per-class 100
//                                              --head-epochs 0 --epochs 1 --lr 3e-3 --scratch-lr 1e-2 --batch-size 25 --seed 42 --threads N]
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Kernelwise;
using Kernelwise.Data;
using Kernelwise.Models;
using Kernelwise.Training;
using Kernelwise.Zoo;
using static TorchSharp.torch;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var widthOption = new Option<int>("--width") { Description = "Channels of the ResNet's first stage (64 in the full model).", DefaultValueFactory = _ => 16 };
var pretrainPerClassOption = new Option<int>("--pretrain-per-class") { Description = "Pretraining images per class of classes 0-4 (up to 6,000).", DefaultValueFactory = _ => 6000 };
var pretrainEpochsOption = new Option<int>("--pretrain-epochs") { Description = "Pretraining epochs.", DefaultValueFactory = _ => 6 };
var perClassOption = new Option<int>("--per-class") { Description = "Training images per class of classes 5-9 for the new task.", DefaultValueFactory = _ => 100 };
var headEpochsOption = new Option<int>("--head-epochs") { Description = "Epochs of the new head alone, backbone frozen, before the others.", DefaultValueFactory = _ => 0 };
var epochsOption = new Option<int>("--epochs") { Description = "Epochs of every layer (after the head's, if any).", DefaultValueFactory = _ => 1 };
var lrOption = new Option<double>("--lr") { Description = "Peak learning rate of the fine-tuning.", DefaultValueFactory = _ => 3e-3 };
var scratchLrOption = new Option<double>("--scratch-lr") { Description = "Peak learning rate of the training from scratch.", DefaultValueFactory = _ => 1e-2 };
var batchSizeOption = new Option<int>("--batch-size") { Description = "Images per step on the new task.", DefaultValueFactory = _ => 25 };
var seedOption = new Option<int>("--seed") { Description = "Seed for weights and shuffling.", DefaultValueFactory = _ => 42 };
var threadsOption = new Option<int>("--threads") { Description = "libtorch threads (0: its default, one per core). 1 is faster on a machine busy with other work." };
var options = new RootCommand("Pretrains on Fashion-MNIST classes 0-4, fine-tunes on 100 images per class of classes 5-9, and compares with training from scratch.")
    { widthOption, pretrainPerClassOption, pretrainEpochsOption, perClassOption, headEpochsOption, epochsOption, lrOption, scratchLrOption, batchSizeOption, seedOption, threadsOption }.Parse(args);
if (options.Action is not null) return options.Invoke(); // --help, or what is wrong with the arguments
int width = options.GetValue(widthOption), pretrainPerClass = options.GetValue(pretrainPerClassOption), pretrainEpochs = options.GetValue(pretrainEpochsOption);
int perClass = options.GetValue(perClassOption), headEpochs = options.GetValue(headEpochsOption), epochs = options.GetValue(epochsOption);
double lr = options.GetValue(lrOption), scratchLr = options.GetValue(scratchLrOption);
int batchSize = options.GetValue(batchSizeOption), seed = options.GetValue(seedOption), threads = options.GetValue(threadsOption);
if (threads > 0) set_num_threads(threads);

var total = Stopwatch.StartNew();
using var splits = FashionMnist.Load();
// Classes 0-4 for pretraining; classes 5-9, relabelled 0-4, for the new task.
using var pretrainSet = Select(splits.Train, firstClass: 0, pretrainPerClass);
using var fewShot = Select(splits.Train, firstClass: 5, perClass);
using var testSet = Select(splits.Test, firstClass: 5, int.MaxValue);
Console.WriteLine($"Pretraining on {pretrainSet.Count:N0} images of classes 0-4; fine-tuning on {fewShot.Count:N0} images of classes 5-9; testing on {testSet.Count:N0}.");

// The architecture: the zoo's ResNet-18 (7x7/2 stem and max pooling, so 28x28 images reach the stages at 7, 4, 2 and 1
// pixels), narrowed to `width` channels in its first stage, for grey 28x28 images.
Sequential ResNet(bool includeTop) => ModelZoo.ResNet18(5, inputChannels: 1, inputSize: 28, variant: ZooVariant.ImageNet, width: width,
    includeTop: includeTop, pooling: includeTop ? ZooPooling.None : ZooPooling.Average);

// 1. Pretrain on classes 0-4 with the zoo's own classifier, and save in torchvision's layout.
string folder = Path.Combine(Path.GetTempPath(), $"kernelwise-transfer-{Environment.ProcessId}");
string pretrainedFile = Path.Combine(folder, "resnet18-fashion-0to4.pth");
Reproducibility.SetSeed(seed);
using (var pretrained = ResNet(includeTop: true).Build(ComputeDevice.Cpu))
{
    long pretrainSteps = pretrainEpochs * (long)Math.Ceiling(pretrainSet.Count / 64.0);
    pretrained.Compile(new Adam(3e-3), new CrossEntropy(), new Accuracy());
    var clock = Stopwatch.StartNew();
    var history = pretrained.Fit(pretrainSet, epochs: pretrainEpochs, batchSize: 64, seed: seed, verbose: 0,
        callbacks: [new LearningRateScheduler(new OneCycle(pretrainSteps))]);
    Console.WriteLine($"Pretrained {pretrainEpochs} epoch(s) in {clock.Elapsed.TotalSeconds:F0} s: training accuracy {history["accuracy"][^1]:F4}.");
    Torchvision.SaveWeights(pretrained, pretrainedFile);
}

long stepsPerEpoch = (long)Math.Ceiling(fewShot.Count / (double)batchSize);
long steps = (headEpochs + epochs) * stepsPerEpoch;

// 2. Fine-tune: the saved file as a backbone under a new head.
Reproducibility.SetSeed(seed + 1);
using var fineTuned = ResNet(includeTop: false).Dense(5, name: "head").Build(ComputeDevice.Cpu);
var report = PretrainedWeights.Load(fineTuned, pretrainedFile, log: Console.Out); // skipped: fc.weight, fc.bias; missing: head.weight, head.bias
var fineClock = Stopwatch.StartNew();
if (headEpochs > 0)
{
    fineTuned.FreezeBefore("head"); // the backbone's weights stay put and its batch normalisation runs in inference mode
    fineTuned.Compile(new Adam(lr), new CrossEntropy(), new Accuracy());
    fineTuned.Fit(fewShot, epochs: headEpochs, batchSize: batchSize, seed: seed, verbose: 0);
    fineTuned.Unfreeze();
}
fineTuned.Compile(new Adam(lr), new CrossEntropy(), new Accuracy());
fineTuned.Fit(fewShot, epochs: epochs, batchSize: batchSize, seed: seed, verbose: 0,
    callbacks: [new LearningRateScheduler(new OneCycle(Math.Max(2, epochs * stepsPerEpoch)))]);
double fineTunedAccuracy = fineTuned.Evaluate(testSet, batchSize: 500)["accuracy"];
Console.WriteLine($"Fine-tuned: {headEpochs} epoch(s) of the head, then {epochs} of every layer ({steps} steps, peak rate {lr}) in {fineClock.Elapsed.TotalSeconds:F0} s.");

// 3. The same architecture from scratch: same images, same number of steps.
Reproducibility.SetSeed(seed + 1);
using var scratch = ResNet(includeTop: false).Dense(5, name: "head").Build(ComputeDevice.Cpu);
scratch.Compile(new Adam(scratchLr), new CrossEntropy(), new Accuracy());
var scratchClock = Stopwatch.StartNew();
scratch.Fit(fewShot, epochs: headEpochs + epochs, batchSize: batchSize, seed: seed, verbose: 0, callbacks: [new LearningRateScheduler(new OneCycle(steps))]);
double scratchAccuracy = scratch.Evaluate(testSet, batchSize: 500)["accuracy"];
Console.WriteLine($"From scratch: {headEpochs + epochs} epoch(s) ({steps} steps, peak rate {scratchLr}) in {scratchClock.Elapsed.TotalSeconds:F0} s.");

Directory.Delete(folder, recursive: true);
Console.WriteLine($"{total.Elapsed.TotalSeconds:F0} s in all. Accuracy on the {testSet.Count:N0} test images of classes 5-9:");
Console.WriteLine($"from scratch: {scratchAccuracy:F4}  fine-tuned: {fineTunedAccuracy:F4}");
return 0;

// The first `perClass` images of each class firstClass..firstClass+4, in the split's order, labels shifted to 0-4.
static TensorDataset Select(TensorDataset split, int firstClass, int perClass)
{
    var labels = split.Targets.data<long>().ToArray();
    var counts = new int[5];
    var indices = new List<long>();
    for (int i = 0; i < labels.Length; i++)
    {
        long c = labels[i] - firstClass;
        if (c is >= 0 and < 5 && counts[c] < perClass)
        {
            counts[c]++;
            indices.Add(i);
        }
    }
    using var index = tensor(indices.ToArray());
    using var inputs = split.Inputs.index_select(0, index);
    using var targets = split.Targets.index_select(0, index);
    return new TensorDataset(inputs.clone(), targets - firstClass);
}
