using Kernelwise;
using Kernelwise.Layers;
using Kernelwise.Models;
using static Kernelwise.Tests.TrainingHelpers;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Losses;

/// <summary>Each loss against its formula, computed by hand in doubles.</summary>
public class LossTests
{
    private static readonly float[] X = { 0.5f, -1f, 2f, 0f };
    private static readonly float[] Y = { 1f, 0f, 1f, 0f };

    private static double Value(Loss loss, float[] x, float[] y)
    {
        using var p = tensor(x);
        using var t = tensor(y);
        using var l = loss.Compute(p, t);
        return l.item<float>();
    }

    private static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));

    [Fact]
    public void Should_MatchTheLogisticFormula_When_BinaryCrossEntropyOnLogits()
    {
        double expected = X.Zip(Y, (x, y) => -(y * Math.Log(Sigmoid(x)) + (1 - y) * Math.Log(1 - Sigmoid(x)))).Average();
        Assert.Equal(expected, Value(new BinaryCrossEntropy(), X, Y), 5);
        double weighted = X.Zip(Y, (x, y) => -(3 * y * Math.Log(Sigmoid(x)) + (1 - y) * Math.Log(1 - Sigmoid(x)))).Average();
        Assert.Equal(weighted, Value(new BinaryCrossEntropy(positiveWeight: 3), X, Y), 5);
        double smoothed = X.Zip(Y, (x, y0) => { double y = y0 * 0.8 + 0.1; return -(y * Math.Log(Sigmoid(x)) + (1 - y) * Math.Log(1 - Sigmoid(x))); }).Average();
        Assert.Equal(smoothed, Value(new BinaryCrossEntropy(labelSmoothing: 0.2), X, Y), 5);
    }

    [Fact]
    public void Should_MatchTheirFormulas_When_RegressionLosses()
    {
        float[] x = { 0.5f, -2f, 3f, 1f }, y = { 0f, 0f, 0f, 1f };
        Assert.Equal((0.25 + 4 + 9 + 0) / 4, Value(new MeanSquaredError(), x, y), 5);
        Assert.Equal((0.5 + 2 + 3 + 0) / 4, Value(new MeanAbsoluteError(), x, y), 5);
        // δ = 1: ½d² for |d| ≤ 1, else |d| − ½.
        Assert.Equal((0.125 + 1.5 + 2.5 + 0) / 4, Value(new Huber(), x, y), 5);
        // δ = 2: ½d² for |d| ≤ 2, else 2(|d| − 1).
        Assert.Equal((0.125 + 2 + 4 + 0) / 4, Value(new Huber(2), x, y), 5);
    }

    [Fact]
    public void Should_EqualCrossEntropy_When_NegativeLogLikelihoodGetsLogSoftmax()
    {
        using var logits = tensor(new float[] { 1f, 2f, 0.5f, -1f, 0f, 3f }, new long[] { 2, 3 });
        using var targets = tensor(new long[] { 1, 2 });
        using var logp = nn.functional.log_softmax(logits, 1);
        using var nll = new NegativeLogLikelihood().Compute(logp, targets);
        using var ce = new CrossEntropy().Compute(logits, targets);
        Assert.Equal(ce.item<float>(), nll.item<float>(), 5);
        // With class weights PyTorch divides by the weights' sum: (2·l₀ + 0.5·l₁) / 2.5.
        var lp = logp.data<float>().ToArray();
        double expected = (2 * -lp[1] + 0.5 * -lp[5]) / 2.5;
        using var weighted = new NegativeLogLikelihood(new float[] { 1f, 2f, 0.5f }).Compute(logp, targets);
        Assert.Equal(expected, weighted.item<float>(), 5);
    }

    [Fact]
    public void Should_ReturnOneValuePerSample_When_ComputingPerSample()
    {
        using var p = tensor(new float[] { 1f, 2f, 3f, 4f, 5f, 6f }, new long[] { 2, 3 });
        using var t = zeros(2, 3);
        using var perSample = new MeanSquaredError().ComputePerSample(p, t);
        Assert.Equal(new long[] { 2 }, perSample.shape);
        Assert.Equal((1 + 4 + 9) / 3.0, perSample[0].item<float>(), 5);
        Assert.Equal((16 + 25 + 36) / 3.0, perSample[1].item<float>(), 5);
    }

    [Fact]
    public void Should_NameBothShapes_When_TargetsDoNotMatch()
    {
        using var p = zeros(4, 1);
        using var t = zeros(4);
        var e = Assert.Throws<ArgumentException>(() => new MeanSquaredError().Compute(p, t));
        Assert.Equal("MeanSquaredError expects targets of the same shape as the predictions; received predictions [4, 1] and targets [4].", e.Message);
    }

    [Fact]
    public void Should_WeightEachSampleByItsClass_When_FitGetsClassWeight()
    {
        // A negligible learning rate keeps the weights (and so the losses) fixed during the epoch.
        using var data = SyntheticData.Blocks(40, seed: 21);
        manual_seed(5);
        using var model = PlainNet().Build(ComputeDevice.Cpu).Compile(new SGD(1e-12), new CrossEntropy());
        using var logits = model.Predict(data);
        using var perSample = new CrossEntropy().ComputePerSample(logits, data.Targets);
        var l = perSample.data<float>().ToArray();
        var y = data.Targets.data<long>().ToArray();
        var weights = new Dictionary<int, double> { [0] = 0, [1] = 2, [2] = 0.5 }; // class 3 defaults to 1
        double expected = l.Select((v, i) => v * (weights.TryGetValue((int)y[i], out var w) ? w : 1)).Average();
        var history = model.Fit(data, epochs: 1, batchSize: 16, shuffle: false, classWeight: weights, verbose: 0);
        Assert.Equal(expected, history["loss"][0], 4);
    }
}
