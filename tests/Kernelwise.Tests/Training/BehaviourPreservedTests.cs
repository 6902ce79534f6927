using Kernelwise.Data;
using Kernelwise.Models;
using Kernelwise.Tests.Data.Datasets;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Training;

/// <summary>
/// The engine redesign preserved behaviour: under a seed, the per-epoch losses and accuracies of the tutorial convnet
/// and of a small residual model on real Fashion-MNIST images equal the figures recorded with the engine before the
/// redesign (commit 1a6ed04, same data, seeds and settings).
/// </summary>
public class BehaviourPreservedTests
{
    [FactRequiringFashionMnist]
    public void Should_ReproduceTheRecordedLosses_When_TheTutorialConvnetTrainsUnderASeed()
    {
        using var data = FashionMnist.Load(FashionMnist.DebianDirectory);
        using var train = data.Train.Take(1024);
        manual_seed(42);
        using var model = TestModels.TutorialConvNet().Build(ComputeDevice.Cpu).Compile(new Adam(1e-3), new CrossEntropy(), new Accuracy());
        var h = model.Fit(train, epochs: 3, batchSize: 128, seed: 42, verbose: 0);
        AssertSame(new[] { 1.8877152055501938, 1.0347501337528229, 0.8403609469532967 }, h["loss"]);
        AssertSame(new[] { 0.3916015625, 0.6396484375, 0.6923828125 }, h["accuracy"]);
    }

    [FactRequiringFashionMnist]
    public void Should_ReproduceTheRecordedLosses_When_AResidualModelTrainsUnderASeed()
    {
        using var data = FashionMnist.Load(FashionMnist.DebianDirectory);
        using var train = data.Train.Take(1024);
        manual_seed(42);
        var definition = new Sequential(new Shape(1, 28, 28), "small_resnet")
            .Conv2D(16, 3, padding: Padding.Same, useBias: false).BatchNormalization().ReLU()
            .Residual(b => b.Conv2D(16, 3, padding: 1, useBias: false).BatchNormalization().ReLU().Conv2D(16, 3, padding: 1, useBias: false).BatchNormalization(), activation: Activation.ReLU)
            .Residual(b => b.Conv2D(32, 3, strides: 2, padding: 1, useBias: false).BatchNormalization().ReLU().Conv2D(32, 3, padding: 1, useBias: false).BatchNormalization(),
                      s => s.Conv2D(32, 1, strides: 2, useBias: false).BatchNormalization(), activation: Activation.ReLU)
            .GlobalAveragePooling2D().Dropout(0.2).Dense(10);
        using var model = definition.Build(ComputeDevice.Cpu).Compile(new SGD(0.05, momentum: 0.9), new CrossEntropy(labelSmoothing: 0.1), new Accuracy());
        var h = model.Fit(train, epochs: 2, batchSize: 64, seed: 42, verbose: 0);
        AssertSame(new[] { 2.1619134843349457, 1.752488598227501 }, h["loss"]);
        AssertSame(new[] { 0.2138671875, 0.3740234375 }, h["accuracy"]);
    }

    private static void AssertSame(double[] expected, IReadOnlyList<double> actual)
    {
        Assert.Equal(expected.Length, actual.Count);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-9 * Math.Max(1, Math.Abs(expected[i])), $"epoch {i}: recorded {expected[i]:R}, now {actual[i]:R}");
    }
}
