using Kernelwise.Layers;
using Kernelwise;
using Kernelwise.Models;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Explicit;

/// <summary>The Conv2D layer with <see cref="ConvolutionImplementation.Explicit"/>: built, run and trained through the model API.</summary>
public class ExplicitConv2DLayerTests
{
    /// <summary>Copies every parameter of <paramref name="source"/> into the same-named parameter of <paramref name="target"/>.</summary>
    internal static void CopyWeights(Model source, Model target)
    {
        var targets = target.Network.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        using var noGrad = no_grad();
        foreach (var (name, parameter) in source.Network.named_parameters()) targets[name].copy_(parameter);
    }

    [Fact]
    public void Should_SelectTheImplementation_When_BuiltWithTheFluentArgument()
    {
        var model = new Sequential(new Shape(1, 28, 28)).Conv2D(64, 5, implementation: ConvolutionImplementation.Explicit).Conv2D(8, 3);
        Assert.Equal(ConvolutionImplementation.Explicit, ((Conv2D)model.Layers[0]).Implementation);
        Assert.Equal(ConvolutionImplementation.Native, ((Conv2D)model.Layers[1]).Implementation);
    }

    [Fact]
    public void Should_RejectTheValue_When_ImplementationIsUndefined()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2D(4, 3, implementation: (ConvolutionImplementation)7));
        Assert.Equal("implementation", e.ParamName);
        Assert.Contains("Invalid value for argument implementation of Conv2D. Expected ConvolutionImplementation.Native or ConvolutionImplementation.Explicit. Received implementation=7.", e.Message);
    }

    [Theory]
    [InlineData(3, 1, "same", 1, 1)]
    [InlineData(4, 2, "same", 1, 1)] // even kernel, stride 2: asymmetric padding applied by the module
    [InlineData(3, 1, "valid", 2, 1)]
    [InlineData(3, 2, "explicit", 1, 2)]
    public void Should_ComputeWhatTheNativeLayerComputes_When_BothShareWeights(int kernel, int stride, string padding, int dilation, int groups)
    {
        using var scope = NewDisposeScope();
        Padding pad = padding switch { "same" => Padding.Same, "valid" => Padding.Valid, _ => 1 };
        Sequential Net(ConvolutionImplementation implementation) => new Sequential(new Shape(4, 11, 10))
            .Conv2D(6, kernel, strides: stride, padding: pad, dilation: dilation, groups: groups, activation: Activation.ReLU, implementation: implementation);
        manual_seed(9);
        using var native = Net(ConvolutionImplementation.Native).Build(ComputeDevice.Cpu);
        using var mine = Net(ConvolutionImplementation.Explicit).Build(ComputeDevice.Cpu);
        CopyWeights(native, mine);
        var x = randn(3, 4, 11, 10);
        var expected = native.GraphModule.forward(x);
        var actual = mine.GraphModule.forward(x);
        Assert.Equal(expected.shape, actual.shape);
        Assert.True(expected.allclose(actual, 1e-5, 1e-5));
    }

    [Fact]
    public void Should_TrainAndKeepItsLazilyBuiltWeights_When_FittedForTwoSteps()
    {
        using var data = SyntheticData.Blocks(64, classes: 4, size: 12, seed: 1);
        manual_seed(10);
        using var model = new Sequential(new Shape(1, 12, 12))
            .Conv2D(8, 3, padding: Padding.Same, activation: Activation.ReLU, implementation: ConvolutionImplementation.Explicit)
            .MaxPooling2D(2)
            .Conv2D(8, 3, strides: 2, padding: Padding.Same, activation: Activation.ReLU, implementation: ConvolutionImplementation.Explicit)
            .Flatten()
            .Dense(4)
            .Build(ComputeDevice.Cpu)
            .Compile(new SGD(0.1), new CrossEntropy(), new Accuracy());
        var weights = model.Network.named_parameters().Where(p => p.name.StartsWith("conv2d", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, weights.Count);
        var before = weights.Select(p => p.parameter.detach().clone()).ToList();

        var history = model.Fit(data, epochs: 1, batchSize: 32, seed: 1, verbose: 0); // two steps

        Assert.True(double.IsFinite(history["loss"][0]));
        for (int i = 0; i < weights.Count; i++)
        {
            var p = weights[i].parameter;
            Assert.False(p.IsInvalid, $"{weights[i].name} was disposed by a training step");
            Assert.True(isfinite(p).all().item<bool>());
            Assert.False(p.equal(before[i]).all().item<bool>(), $"{weights[i].name} did not change after two SGD steps");
            Assert.Same(p, model.Network.named_parameters().First(q => q.name == weights[i].name).parameter);
        }
        foreach (var b in before) b.Dispose();
    }
}
