using TorchSharp;
using TorchSharp.Modules;

namespace Kernelwise;

/// <summary>
/// NAdam (Dozat, 2016): Adam with Nesterov momentum, using PyTorch's momentum schedule
/// <c>μ_t = β1 · (1 − 0.5 · 0.96^(t · momentumDecay))</c>. PyTorch's <c>NAdam</c> with its defaults; Keras's <c>Nadam</c>.
/// </summary>
public sealed class NAdam : Optimizer
{
    /// <summary>Creates the configuration.</summary>
    /// <param name="learningRate">Step size (default 0.002, PyTorch's).</param>
    /// <param name="beta1">Decay of the first-moment estimate, in [0, 1).</param>
    /// <param name="beta2">Decay of the second-moment estimate, in [0, 1).</param>
    /// <param name="epsilon">Added to the denominator.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient.</param>
    /// <param name="momentumDecay">Speed of the momentum schedule (PyTorch's <c>momentum_decay</c>, default 0.004).</param>
    public NAdam(double learningRate = 0.002, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0, double momentumDecay = 0.004)
        : base(learningRate)
    {
        Beta1 = Guard.InRange(beta1, 0, 1, maxInclusive: false);
        Beta2 = Guard.InRange(beta2, 0, 1, maxInclusive: false);
        Epsilon = Guard.Positive(epsilon);
        WeightDecay = Guard.NonNegative(weightDecay);
        MomentumDecay = Guard.NonNegative(momentumDecay);
    }

    /// <summary>First-moment decay.</summary>
    public double Beta1 { get; }

    /// <summary>Second-moment decay.</summary>
    public double Beta2 { get; }

    /// <summary>Denominator term.</summary>
    public double Epsilon { get; }

    /// <summary>L2 penalty.</summary>
    public double WeightDecay { get; }

    /// <summary>Momentum-schedule decay.</summary>
    public double MomentumDecay { get; }

    /// <inheritdoc />
    public override torch.optim.Optimizer Create(IReadOnlyList<ParameterGroup> groups)
        => torch.optim.NAdam(CheckGroups(groups).Select(g => new TorchSharp.Modules.NAdam.ParamGroup(g.Parameters, new TorchSharp.Modules.NAdam.Options { LearningRate = g.LearningRate })),
            LearningRate, Beta1, Beta2, Epsilon, WeightDecay, MomentumDecay);
}
