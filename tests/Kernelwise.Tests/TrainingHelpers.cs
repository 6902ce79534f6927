using Kernelwise.Layers;
using Kernelwise.Models;
using static TorchSharp.torch;

namespace Kernelwise.Tests;

/// <summary>Small models and weight helpers for training tests.</summary>
internal static class TrainingHelpers
{
    /// <summary>A convnet without batch norm or dropout: its gradient is exactly linear in the batch.</summary>
    public static Sequential PlainNet() => new Sequential(new Shape(1, 12, 12), "plain")
        .Conv2D(4, 3, activation: Activation.ReLU)
        .MaxPooling2D(2)
        .Flatten()
        .Dense(4);

    /// <summary>A small net with batch norm and dropout (random state matters).</summary>
    public static Sequential NoisyNet() => new Sequential(new Shape(1, 12, 12), "noisy")
        .Conv2D(8, 3, padding: Padding.Same, activation: Activation.ReLU)
        .MaxPooling2D(2)
        .Conv2D(8, 3, padding: Padding.Same)
        .BatchNormalization()
        .ReLU()
        .Flatten()
        .Dropout(0.2)
        .Dense(4);

    /// <summary>All parameters and buffers, flattened into one CPU tensor (a copy the caller owns).</summary>
    public static Tensor Weights(Kernelwise.Training.Trainer model)
    {
        using var scope = NewDisposeScope();
        var all = model.Network.state_dict().Values.Select(t => t.detach().cpu().to_type(ScalarType.Float64).flatten()).ToList();
        return cat(all).MoveToOuterDisposeScope();
    }

    public static bool BitIdentical(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.equal(b).all().item<bool>();

    public static string TempDir(string prefix) => Directory.CreateTempSubdirectory(prefix).FullName;
}
