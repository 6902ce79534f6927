using Kernelwise;
using TorchSharp;
using Parameter = TorchSharp.Modules.Parameter;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Optimizers;

/// <summary>Every optimizer honours a rate per parameter group: two groups step as two optimizers would, one per rate.</summary>
public class ParameterGroupTests
{
    private static readonly float[] Start = { 1.0f, -2.0f, 0.5f };
    private static readonly float[][] Grads = { new[] { 0.5f, 0.25f, -1.0f }, new[] { -0.3f, 0.1f, 0.7f }, new[] { 0.2f, -0.4f, 0.05f } };

    public static TheoryData<string> Optimizers => new() { "sgd", "adam", "adamw", "rmsprop", "adagrad", "nadam" };

    private static Kernelwise.Optimizer Config(string name, double rate) => name switch
    {
        "sgd" => new SGD(rate, momentum: 0.9, weightDecay: 0.01),
        "adam" => new Adam(rate, weightDecay: 0.01),
        "adamw" => new AdamW(rate),
        "rmsprop" => new RMSprop(rate, momentum: 0.5),
        "adagrad" => new Adagrad(rate, learningRateDecay: 0.1),
        "nadam" => new NAdam(rate),
        _ => throw new ArgumentException(name),
    };

    private static float[] Step(torch.optim.Optimizer optimizer, params Parameter[] parameters)
    {
        foreach (var g in Grads)
        {
            foreach (var p in parameters) p.grad = tensor(g);
            optimizer.step();
        }
        return parameters.SelectMany(p => p.data<float>().ToArray()).ToArray();
    }

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Should_StepEachGroupAtItsOwnRate_When_CreatedWithTwoGroups(string name)
    {
        using var slow = new Parameter(tensor(Start));
        using var fast = new Parameter(tensor(Start));
        using var grouped = Config(name, 0.05).Create(new[] { new ParameterGroup(new[] { slow }, 0.001), new ParameterGroup(new[] { fast }, 0.1) });
        float[] both = Step(grouped, slow, fast);

        using var slowAlone = new Parameter(tensor(Start));
        using var fastAlone = new Parameter(tensor(Start));
        using var slowOptimizer = Config(name, 0.001).Create(new[] { slowAlone });
        using var fastOptimizer = Config(name, 0.1).Create(new[] { fastAlone });

        Assert.Equal(Step(slowOptimizer, slowAlone), both[..3]);
        Assert.Equal(Step(fastOptimizer, fastAlone), both[3..]);
        Assert.Equal([0.001, 0.1], grouped.ParamGroups.Select(g => g.LearningRate));
    }

    [Fact]
    public void Should_SpreadRatesGeometrically_When_AskedForFastaisSlice()
    {
        var rates = LayerRate.Geometric(1e-5, 1e-3, "conv1", "layer3_0", "fc");

        Assert.Equal(["conv1", "layer3_0", "fc"], rates.Select(r => r.FromLayer));
        Assert.Equal(1e-5, rates[0].LearningRate, 15);
        Assert.Equal(1e-4, rates[1].LearningRate, 15);
        Assert.Equal(1e-3, rates[2].LearningRate, 15);
    }

    [Fact]
    public void Should_RefuseALayerNamedTwice_When_SettingLayerRates()
    {
        var e = Assert.Throws<ArgumentException>(() => new Adam { LayerRates = [new LayerRate("fc", 1e-3), new LayerRate("fc", 1e-2)] });

        Assert.StartsWith("Invalid value for argument LayerRates. Expected each layer at most once. Received layer 'fc' twice.", e.Message);
    }
}
