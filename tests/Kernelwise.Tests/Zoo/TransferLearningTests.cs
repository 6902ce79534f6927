using Kernelwise.Data;
using Kernelwise.Models;
using Kernelwise.Training;
using Kernelwise.Zoo;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Zoo;

/// <summary>
/// examples/transfer-learning.cs in small: a narrow ResNet-18 pretrained on Fashion-MNIST classes 0-4, saved in
/// torchvision's layout, loaded under a new head and fine-tuned on a few images of classes 5-9, against the same
/// architecture trained from scratch on the same images for the same number of steps.
/// </summary>
public class TransferLearningTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), $"kw-transfer-test-{Guid.NewGuid():N}");
    private readonly ITestOutputHelper output;

    public TransferLearningTests(ITestOutputHelper output)
    {
        this.output = output;
        Directory.CreateDirectory(folder);
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static Sequential Definition(bool includeTop) => ModelZoo.ResNet18(5, inputChannels: 1, inputSize: 28, variant: ZooVariant.ImageNet,
        width: 8, includeTop: includeTop, pooling: includeTop ? ZooPooling.None : ZooPooling.Average);

    [Fact]
    public void Should_BeatTrainingFromScratch_When_ABackbonePretrainedOnOtherClassesIsFineTuned()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var trainImages = FashionMnistSubset.Load(train: true, count: 6000);
        using var testImages = FashionMnistSubset.Load(train: false, count: 2000);
        using var pretrainSet = Select(trainImages, firstClass: 0, perClass: 400);
        using var fewShot = Select(trainImages, firstClass: 5, perClass: 20);
        using var testSet = Select(testImages, firstClass: 5, perClass: int.MaxValue);
        const int batchSize = 10, epochs = 1;
        long steps = epochs * (long)Math.Ceiling(fewShot.Count / (double)batchSize);

        // Pretrain on classes 0-4 and save as torchvision would.
        string file = Path.Combine(folder, "resnet18-0to4.pth");
        Reproducibility.SetSeed(3);
        using (var pretrained = Definition(includeTop: true).Build(ComputeDevice.Cpu))
        {
            pretrained.Compile(new Adam(3e-3), new CrossEntropy());
            pretrained.Fit(pretrainSet, epochs: 2, batchSize: 50, seed: 3, verbose: 0);
            Torchvision.SaveWeights(pretrained, file);
        }
        output.WriteLine($"data and pretraining: {clock.Elapsed.TotalSeconds:F1} s");

        // Fine-tune: the file as a backbone under a new head, every layer trained, a short one-cycle run.
        Reproducibility.SetSeed(4);
        using var fineTuned = Definition(includeTop: false).Dense(5, name: "head").Build(ComputeDevice.Cpu);
        var report = PretrainedWeights.Load(fineTuned, file, log: TextWriter.Null);
        Assert.Equal(["fc.bias", "fc.weight"], report.Skipped.Select(e => e.Key).Order());
        Assert.Equal(["head.bias", "head.weight"], report.Missing.Select(e => e.Key).Order());
        fineTuned.Compile(new Adam(3e-3), new CrossEntropy(), new Accuracy());
        fineTuned.Fit(fewShot, epochs: epochs, batchSize: batchSize, seed: 4, verbose: 0, callbacks: [new LearningRateScheduler(new OneCycle(steps))]);
        double fineTunedAccuracy = fineTuned.Evaluate(testSet, batchSize: 500)["accuracy"];

        // From scratch: same architecture, same images, same number of steps (at a higher rate, which suits it better).
        Reproducibility.SetSeed(4);
        using var scratch = Definition(includeTop: false).Dense(5, name: "head").Build(ComputeDevice.Cpu);
        scratch.Compile(new Adam(1e-2), new CrossEntropy(), new Accuracy());
        scratch.Fit(fewShot, epochs: epochs, batchSize: batchSize, seed: 4, verbose: 0, callbacks: [new LearningRateScheduler(new OneCycle(steps))]);
        double scratchAccuracy = scratch.Evaluate(testSet, batchSize: 500)["accuracy"];

        output.WriteLine($"in all: {clock.Elapsed.TotalSeconds:F1} s");
        output.WriteLine($"from scratch: {scratchAccuracy:F4}  fine-tuned: {fineTunedAccuracy:F4}");
        Assert.True(fineTunedAccuracy > scratchAccuracy + 0.05,
            $"fine-tuned {fineTunedAccuracy:F4} against {scratchAccuracy:F4} from scratch, {steps} steps each on {fewShot.Count} images, {testSet.Count} test images");
    }

    // The first `perClass` images of each class firstClass..firstClass+4, labels shifted to 0-4.
    private static TensorDataset Select(TensorDataset split, int firstClass, int perClass)
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
}
