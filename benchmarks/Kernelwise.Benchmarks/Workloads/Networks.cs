using Kernelwise.Layers;
using Kernelwise.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Kernelwise.Benchmarks.Workloads;

/// <summary>
/// The two networks every suite measures, each written twice: with Kernelwise's builder and by hand with TorchSharp's
/// modules. Both versions create their weights in the same order with the same initialisers, so after the same
/// <c>torch.manual_seed</c> they start from identical weights (<see cref="SameInitialWeights"/> checks it).
/// </summary>
public static class Networks
{
    /// <summary>Names accepted on the command line.</summary>
    public static IReadOnlyList<string> Names { get; } = new[] { "convnet", "bn_cnn" };

    /// <summary>
    /// The TensorFlow-tutorial convnet of the Fashion-MNIST benchmark ("2 Conv+pooling", published test accuracy 0.916):
    /// Conv 5×5 32 same + ReLU, MaxPool 2, Conv 5×5 64 same + ReLU, MaxPool 2, Flatten, Dense 1024 ReLU, Dropout 0.4, Dense 10
    /// (3,274,634 parameters).
    /// </summary>
    public static Sequential TutorialConvNet() => new Sequential(new Shape(1, 28, 28), "tutorial_convnet")
        .Conv2D(32, 5, padding: Padding.Same, activation: Activation.ReLU)
        .MaxPooling2D(2)
        .Conv2D(64, 5, padding: Padding.Same, activation: Activation.ReLU)
        .MaxPooling2D(2)
        .Flatten()
        .Dense(1024, Activation.ReLU)
        .Dropout(0.4)
        .Dense(10);

    /// <summary>
    /// A small batch-norm CNN ("2 Conv+pooling+BN", published test accuracy 0.934): Conv 3×3 32 same (no bias) + BN + ReLU,
    /// MaxPool 2, Conv 3×3 64 same (no bias) + BN + ReLU, MaxPool 2, Flatten, Dense 128 ReLU, Dropout 0.3, Dense 10
    /// (421,642 parameters).
    /// </summary>
    public static Sequential BatchNormCnn() => new Sequential(new Shape(1, 28, 28), "bn_cnn")
        .Conv2D(32, 3, padding: Padding.Same, useBias: false)
        .BatchNormalization()
        .ReLU()
        .MaxPooling2D(2)
        .Conv2D(64, 3, padding: Padding.Same, useBias: false)
        .BatchNormalization()
        .ReLU()
        .MaxPooling2D(2)
        .Flatten()
        .Dense(128, Activation.ReLU)
        .Dropout(0.3)
        .Dense(10);

    /// <summary>The Kernelwise builder for <paramref name="name"/> (<c>convnet</c> or <c>bn_cnn</c>).</summary>
    public static Sequential Kernelwise(string name) => name switch
    {
        "convnet" => TutorialConvNet(),
        "bn_cnn" => BatchNormCnn(),
        _ => throw new ArgumentException($"Unknown network '{name}'. Expected one of: {string.Join(", ", Names)}.", nameof(name)),
    };

    /// <summary>The same network written by hand with TorchSharp modules, as a TorchSharp user would.</summary>
    public static nn.Module<Tensor, Tensor> HandWritten(string name) => name switch
    {
        "convnet" => nn.Sequential(
            ("conv1", nn.Conv2d(1, 32, 5, padding: 2)), ("relu1", nn.ReLU()), ("pool1", nn.MaxPool2d(2)),
            ("conv2", nn.Conv2d(32, 64, 5, padding: 2)), ("relu2", nn.ReLU()), ("pool2", nn.MaxPool2d(2)),
            ("flatten", nn.Flatten()),
            ("fc1", nn.Linear(64 * 7 * 7, 1024)), ("relu3", nn.ReLU()), ("dropout", nn.Dropout(0.4)),
            ("fc2", nn.Linear(1024, 10))),
        "bn_cnn" => nn.Sequential(
            ("conv1", nn.Conv2d(1, 32, 3, padding: 1, bias: false)), ("bn1", nn.BatchNorm2d(32)), ("relu1", nn.ReLU()), ("pool1", nn.MaxPool2d(2)),
            ("conv2", nn.Conv2d(32, 64, 3, padding: 1, bias: false)), ("bn2", nn.BatchNorm2d(64)), ("relu2", nn.ReLU()), ("pool2", nn.MaxPool2d(2)),
            ("flatten", nn.Flatten()),
            ("fc1", nn.Linear(64 * 7 * 7, 128)), ("relu3", nn.ReLU()), ("dropout", nn.Dropout(0.3)),
            ("fc2", nn.Linear(128, 10))),
        _ => throw new ArgumentException($"Unknown network '{name}'. Expected one of: {string.Join(", ", Names)}.", nameof(name)),
    };

    /// <summary>Seeds libtorch, builds <paramref name="name"/> with Kernelwise and compiles it with Adam 1e-3, cross-entropy and accuracy.</summary>
    public static Model BuildKernelwise(string name, int seed)
    {
        torch.manual_seed(seed);
        return Kernelwise(name).Build(ComputeDevice.Cpu).Compile(new Adam(1e-3), new CrossEntropy(), new Accuracy());
    }

    /// <summary>Seeds libtorch and builds the hand-written loop for <paramref name="name"/> with Adam 1e-3.</summary>
    public static HandWrittenLoop BuildHandWritten(string name, int seed)
    {
        torch.manual_seed(seed);
        return new HandWrittenLoop(name, 1e-3, seed);
    }

    /// <summary>Whether two networks hold the same parameter values, in order (checks that seeding gave both the same start).</summary>
    public static bool SameInitialWeights(nn.Module<Tensor, Tensor> a, nn.Module<Tensor, Tensor> b)
    {
        var pa = a.parameters().ToList();
        var pb = b.parameters().ToList();
        return pa.Count == pb.Count && pa.Zip(pb).All(p => p.First.shape.SequenceEqual(p.Second.shape) && p.First.allclose(p.Second, rtol: 0, atol: 0));
    }
}
