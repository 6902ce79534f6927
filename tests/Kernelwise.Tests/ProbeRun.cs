using Kernelwise.Training;
using Kernelwise;
using Kernelwise.Layers;
using Kernelwise.Models;
using static TorchSharp.torch;

namespace Kernelwise.Tests;

/// <summary>
/// The training run of the crash test, shared by the probe process (which is killed) and the test (which resumes it
/// and trains the same run uninterrupted for comparison).
/// </summary>
internal static class ProbeRun
{
    public const int Seed = 5;

    public static Model Train(string? checkpointDir, int epochs, string? resumeFrom)
    {
        using var data = SyntheticData.Blocks(64, seed: 71);
        manual_seed(1);
        var model = TrainingHelpers.NoisyNet().Build(ComputeDevice.Cpu).Compile(new Adam(0.01), new CrossEntropy(), new Accuracy());
        var callbacks = new List<Callback>();
        if (checkpointDir is not null)
        {
            callbacks.Add(new ModelCheckpoint(Path.Combine(checkpointDir, "epoch{epoch:05}.kwckpt")));
            callbacks.Add(new ModelCheckpoint(Path.Combine(checkpointDir, "last.kwckpt")));
        }
        model.Fit(data, epochs: epochs, batchSize: 16, seed: Seed, callbacks: callbacks, resumeFrom: resumeFrom, verbose: 0);
        return model;
    }
}
