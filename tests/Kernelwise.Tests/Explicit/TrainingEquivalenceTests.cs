using Kernelwise.Layers;
using Kernelwise;
using Kernelwise.Models;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Explicit;

/// <summary>
/// The same CNN trained twice from the same initial weights on real Fashion-MNIST images — once with libtorch's
/// convolutions, once with every convolution explicit — through the ordinary Compile/Fit/Evaluate path.
/// </summary>
public class TrainingEquivalenceTests
{
    private readonly ITestOutputHelper _output;

    public TrainingEquivalenceTests(ITestOutputHelper output) => _output = output;

    /// <summary>Cross-entropy that records every training-step loss it computes.</summary>
    private sealed class RecordingLoss : Loss
    {
        private readonly CrossEntropy _inner = new();

        public List<double> Values { get; } = new();

        public override string Name => "loss";

        public override Tensor Compute(Tensor predictions, Tensor targets)
        {
            var loss = _inner.Compute(predictions, targets);
            Values.Add(loss.item<float>());
            return loss;
        }
    }

    /// <summary>A stride-1 "same" convolution (run layout), pooling, a stride-2 "same" convolution (asymmetric padding), a classifier.</summary>
    private static Sequential Net(ConvolutionImplementation implementation) => new Sequential(new Shape(1, 28, 28), "equivalence")
        .Conv2D(8, 5, padding: Padding.Same, activation: Activation.ReLU, implementation: implementation)
        .MaxPooling2D(2)
        .Conv2D(16, 3, strides: 2, padding: Padding.Same, activation: Activation.ReLU, implementation: implementation)
        .Flatten()
        .Dense(10);

    [Fact]
    public void Should_FollowTheLibtorchLossCurveAndReachTheSameAccuracy_When_AllConvolutionsAreExplicit()
    {
        using var train = FashionMnistSubset.Load("train", 1536);
        using var test = FashionMnistSubset.Load("t10k", 600);
        manual_seed(2026);
        var nativeLoss = new RecordingLoss();
        var explicitLoss = new RecordingLoss();
        using var native = Net(ConvolutionImplementation.Native).Build(ComputeDevice.Cpu).Compile(new Adam(2e-3), nativeLoss, new Accuracy());
        using var mine = Net(ConvolutionImplementation.Explicit).Build(ComputeDevice.Cpu).Compile(new Adam(2e-3), explicitLoss, new Accuracy());
        ExplicitConv2DLayerTests.CopyWeights(native, mine);

        native.Fit(train, epochs: 2, batchSize: 64, seed: 5, verbose: 0);
        mine.Fit(train, epochs: 2, batchSize: 64, seed: 5, verbose: 0);

        Assert.Equal(48, nativeLoss.Values.Count);
        Assert.Equal(nativeLoss.Values.Count, explicitLoss.Values.Count);
        // Same batches, same weights: the curves differ only by float32 rounding, which training slowly amplifies.
        for (int step = 0; step < 10; step++)
        {
            double a = nativeLoss.Values[step], b = explicitLoss.Values[step];
            Assert.True(Math.Abs(a - b) <= 1e-3 * Math.Abs(a), $"step {step}: libtorch loss {a:G7}, explicit loss {b:G7}");
        }
        Assert.True(nativeLoss.Values[^1] < nativeLoss.Values[0] * 0.6, "the network should learn");

        double nativeAccuracy = native.Evaluate(test)["accuracy"];
        double explicitAccuracy = mine.Evaluate(test)["accuracy"];
        _output.WriteLine($"losses (libtorch / explicit): {string.Join("  ", nativeLoss.Values.Zip(explicitLoss.Values, (a, b) => $"{a:F5}/{b:F5}"))}");
        _output.WriteLine($"test accuracy: libtorch {nativeAccuracy:P2}, explicit {explicitAccuracy:P2}");
        Assert.True(nativeAccuracy > 0.65, $"libtorch model reached only {nativeAccuracy:P1}");
        Assert.True(Math.Abs(nativeAccuracy - explicitAccuracy) <= 0.02,
            $"test accuracy: libtorch {nativeAccuracy:P1}, explicit {explicitAccuracy:P1}");
    }
}
