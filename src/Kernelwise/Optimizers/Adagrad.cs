using TorchSharp;
using TorchSharp.Modules;

namespace Kernelwise;

/// <summary>
/// Adagrad (Duchi et al., 2011): per-weight step sizes that shrink with the sum of that weight's squared gradients.
/// PyTorch's <c>Adagrad</c> with its defaults.
/// </summary>
public sealed class Adagrad : Optimizer
{
    /// <summary>Creates the configuration.</summary>
    /// <param name="learningRate">Step size (default 0.01).</param>
    /// <param name="learningRateDecay">Step size at update t is <c>lr / (1 + (t − 1) · decay)</c>.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient.</param>
    /// <param name="initialAccumulatorValue">Starting value of the squared-gradient sums.</param>
    /// <param name="epsilon">Added to the denominator.</param>
    public Adagrad(double learningRate = 0.01, double learningRateDecay = 0, double weightDecay = 0, double initialAccumulatorValue = 0, double epsilon = 1e-10)
        : base(learningRate)
    {
        LearningRateDecay = Guard.NonNegative(learningRateDecay);
        WeightDecay = Guard.NonNegative(weightDecay);
        InitialAccumulatorValue = Guard.NonNegative(initialAccumulatorValue);
        Epsilon = Guard.Positive(epsilon);
    }

    /// <summary>Learning-rate decay per update.</summary>
    public double LearningRateDecay { get; }

    /// <summary>L2 penalty.</summary>
    public double WeightDecay { get; }

    /// <summary>Starting value of the accumulators.</summary>
    public double InitialAccumulatorValue { get; }

    /// <summary>Denominator term.</summary>
    public double Epsilon { get; }

    /// <inheritdoc />
    public override torch.optim.Optimizer Create(IReadOnlyList<ParameterGroup> groups)
        => torch.optim.Adagrad(CheckGroups(groups).Select(g => new TorchSharp.Modules.Adagrad.ParamGroup(g.Parameters, new TorchSharp.Modules.Adagrad.Options { LearningRate = g.LearningRate })),
            LearningRate, LearningRateDecay, WeightDecay, InitialAccumulatorValue, Epsilon);
}
