using Kernelwise;
using TorchSharp;
using Parameter = TorchSharp.Modules.Parameter;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Optimizers;

/// <summary>Each optimizer, stepped three times with fixed gradients, against its update rule written out in doubles.</summary>
public class OptimizerTests
{
    private static readonly double[] Start = { 1.0, -2.0, 0.5 };
    private static readonly double[][] Grads = { new[] { 0.5, 0.25, -1.0 }, new[] { -0.3, 0.1, 0.7 }, new[] { 0.2, -0.4, 0.05 } };

    private static double[] Run(Kernelwise.Optimizer config)
    {
        using var p = new Parameter(tensor(Start.Select(v => (float)v).ToArray()));
        using var optimizer = config.Create(new[] { p });
        foreach (var g in Grads)
        {
            p.grad = tensor(g.Select(v => (float)v).ToArray());
            optimizer.step();
        }
        return p.data<float>().ToArray().Select(v => (double)v).ToArray();
    }

    private static void AssertClose(double[] expected, double[] actual)
    {
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5 * Math.Max(1, Math.Abs(expected[i])), $"element {i}: expected {expected[i]}, got {actual[i]}");
    }

    [Fact]
    public void Should_FollowNesterovMomentumWithWeightDecay_When_SGD()
    {
        double lr = 0.1, mom = 0.9, wd = 0.01;
        var p = (double[])Start.Clone();
        var buf = new double[3];
        for (int t = 0; t < Grads.Length; t++)
            for (int i = 0; i < 3; i++)
            {
                double g = Grads[t][i] + wd * p[i];
                buf[i] = t == 0 ? g : mom * buf[i] + g;
                p[i] -= lr * (g + mom * buf[i]);
            }
        AssertClose(p, Run(new SGD(lr, momentum: mom, nesterov: true, weightDecay: wd)));
    }

    [Fact]
    public void Should_FollowHeavyBallMomentum_When_SGD()
    {
        double lr = 0.1, mom = 0.8;
        var p = (double[])Start.Clone();
        var buf = new double[3];
        for (int t = 0; t < Grads.Length; t++)
            for (int i = 0; i < 3; i++)
            {
                double g = Grads[t][i];
                buf[i] = t == 0 ? g : mom * buf[i] + g;
                p[i] -= lr * buf[i];
            }
        AssertClose(p, Run(new SGD(lr, momentum: mom)));
    }

    /// <summary>Adam in doubles (PyTorch's form): L2 weight decay added to the gradient; with AMSGrad the largest second moment so far.</summary>
    private static double[] AdamByHand(double lr, double b1, double b2, double eps, double wd, bool amsgrad)
    {
        var p = (double[])Start.Clone();
        var m = new double[3];
        var v = new double[3];
        var vMax = new double[3];
        for (int t = 1; t <= Grads.Length; t++)
            for (int i = 0; i < 3; i++)
            {
                double g = Grads[t - 1][i] + wd * p[i];
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                vMax[i] = Math.Max(vMax[i], v[i]);
                double mHat = m[i] / (1 - Math.Pow(b1, t)), vHat = (amsgrad ? vMax[i] : v[i]) / (1 - Math.Pow(b2, t));
                p[i] -= lr * mHat / (Math.Sqrt(vHat) + eps);
            }
        return p;
    }

    [Fact]
    public void Should_FollowAdamsRuleWithL2Decay_When_Adam()
    {
        AssertClose(AdamByHand(0.01, 0.9, 0.999, 1e-8, 0, amsgrad: false), Run(new Adam(0.01)));
        AssertClose(AdamByHand(0.01, 0.8, 0.99, 1e-6, 0.1, amsgrad: false), Run(new Adam(0.01, beta1: 0.8, beta2: 0.99, epsilon: 1e-6, weightDecay: 0.1)));
    }

    [Fact]
    public void Should_DivideByTheLargestSecondMomentSoFar_When_AMSGrad()
    {
        // β2 = 0.5 forgets fast: the second moment falls after the first step in element 2 (gradients −1, 0.7, 0.05),
        // so AMSGrad's maximum differs from Adam's running value (checked, so the case can tell them apart).
        var amsgrad = AdamByHand(0.1, 0.9, 0.5, 1e-8, 0, amsgrad: true);
        var plain = AdamByHand(0.1, 0.9, 0.5, 1e-8, 0, amsgrad: false);
        Assert.True(Math.Abs(amsgrad[2] - plain[2]) > 1e-3, $"AMSGrad {amsgrad[2]} and Adam {plain[2]} agree: the case cannot tell them apart");
        AssertClose(amsgrad, Run(new Adam(0.1, beta2: 0.5, amsgrad: true)));
    }

    [Fact]
    public void Should_DecayWeightsIndependentlyOfTheGradient_When_AdamW()
    {
        double lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8, wd = 0.1;
        var p = (double[])Start.Clone();
        var m = new double[3];
        var v = new double[3];
        for (int t = 1; t <= Grads.Length; t++)
            for (int i = 0; i < 3; i++)
            {
                double g = Grads[t - 1][i];
                p[i] *= 1 - lr * wd;
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                double mHat = m[i] / (1 - Math.Pow(b1, t)), vHat = v[i] / (1 - Math.Pow(b2, t));
                p[i] -= lr * mHat / (Math.Sqrt(vHat) + eps);
            }
        AssertClose(p, Run(new AdamW(lr, weightDecay: wd)));
    }

    [Fact]
    public void Should_DivideByRunningRootMeanSquare_When_RMSprop()
    {
        double lr = 0.01, alpha = 0.9, eps = 1e-8;
        var p = (double[])Start.Clone();
        var sq = new double[3];
        for (int t = 0; t < Grads.Length; t++)
            for (int i = 0; i < 3; i++)
            {
                double g = Grads[t][i];
                sq[i] = alpha * sq[i] + (1 - alpha) * g * g;
                p[i] -= lr * g / (Math.Sqrt(sq[i]) + eps);
            }
        AssertClose(p, Run(new RMSprop(lr, alpha: alpha, epsilon: eps)));
    }

    [Fact]
    public void Should_ScaleByAccumulatedSquares_When_Adagrad()
    {
        double lr = 0.1, decay = 0.05, eps = 1e-10, init = 0.1;
        var p = (double[])Start.Clone();
        var sum = Enumerable.Repeat(init, 3).ToArray();
        for (int t = 1; t <= Grads.Length; t++)
            for (int i = 0; i < 3; i++)
            {
                double g = Grads[t - 1][i];
                sum[i] += g * g;
                p[i] -= lr / (1 + (t - 1) * decay) * g / (Math.Sqrt(sum[i]) + eps);
            }
        AssertClose(p, Run(new Adagrad(lr, learningRateDecay: decay, initialAccumulatorValue: init, epsilon: eps)));
    }

    [Fact]
    public void Should_ApplyNesterovMomentumSchedule_When_NAdam()
    {
        double lr = 0.002, b1 = 0.9, b2 = 0.999, eps = 1e-8, psi = 0.004;
        var p = (double[])Start.Clone();
        var m = new double[3];
        var v = new double[3];
        double muProduct = 1;
        for (int t = 1; t <= Grads.Length; t++)
        {
            double mu = b1 * (1 - 0.5 * Math.Pow(0.96, t * psi));
            double muNext = b1 * (1 - 0.5 * Math.Pow(0.96, (t + 1) * psi));
            muProduct *= mu;
            for (int i = 0; i < 3; i++)
            {
                double g = Grads[t - 1][i];
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                double denom = Math.Sqrt(v[i] / (1 - Math.Pow(b2, t))) + eps;
                p[i] -= lr * (1 - mu) / (1 - muProduct) * g / denom;
                p[i] -= lr * muNext / (1 - muProduct * muNext) * m[i] / denom;
            }
        }
        AssertClose(p, Run(new NAdam(lr)));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    public void Should_NameTheArgument_When_ClipNormIsNotPositive(double value)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Adam { ClipNorm = value });
        Assert.StartsWith($"Invalid value for argument ClipNorm. Expected a strictly positive, finite value. Received ClipNorm={value}.", e.Message);
    }

    [Fact]
    public void Should_NameTheArgument_When_AccumulationStepsIsZero()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new SGD { GradientAccumulationSteps = 0 });
        Assert.StartsWith("Invalid value for argument GradientAccumulationSteps. Expected a strictly positive value. Received GradientAccumulationSteps=0.", e.Message);
    }
}
