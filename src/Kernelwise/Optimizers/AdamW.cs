using TorchSharp;
using TorchSharp.Modules;

namespace Kernelwise;

/// <summary>
/// AdamW (Loshchilov and Hutter, 2019): Adam with decoupled weight decay — the weights shrink by
/// <c>lr · weightDecay · w</c> each step, independently of the gradient's scale. PyTorch's <c>AdamW</c> with its
/// defaults; Keras's <c>AdamW</c>.
/// </summary>
public sealed class AdamW : Optimizer
{
    /// <summary>Creates the configuration.</summary>
    /// <param name="learningRate">Step size (default 0.001).</param>
    /// <param name="beta1">Decay of the first-moment estimate, in [0, 1).</param>
    /// <param name="beta2">Decay of the second-moment estimate, in [0, 1).</param>
    /// <param name="epsilon">Added to the denominator.</param>
    /// <param name="weightDecay">Decoupled weight decay (default 0.01, PyTorch's).</param>
    /// <param name="amsgrad">Use the AMSGrad variant.</param>
    public AdamW(double learningRate = 0.001, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0.01, bool amsgrad = false)
        : base(learningRate)
    {
        Beta1 = Guard.InRange(beta1, 0, 1, maxInclusive: false);
        Beta2 = Guard.InRange(beta2, 0, 1, maxInclusive: false);
        Epsilon = Guard.Positive(epsilon);
        WeightDecay = Guard.NonNegative(weightDecay);
        Amsgrad = amsgrad;
    }

    /// <summary>First-moment decay.</summary>
    public double Beta1 { get; }

    /// <summary>Second-moment decay.</summary>
    public double Beta2 { get; }

    /// <summary>Denominator term.</summary>
    public double Epsilon { get; }

    /// <summary>Decoupled weight decay factor.</summary>
    public double WeightDecay { get; }

    /// <summary>Whether AMSGrad is used.</summary>
    public bool Amsgrad { get; }

    /// <inheritdoc />
    public override torch.optim.Optimizer Create(IReadOnlyList<ParameterGroup> groups)
        => torch.optim.AdamW(CheckGroups(groups).Select(g => new TorchSharp.Modules.AdamW.ParamGroup(g.Parameters, new TorchSharp.Modules.AdamW.Options { LearningRate = g.LearningRate })),
            LearningRate, Beta1, Beta2, Epsilon, WeightDecay, Amsgrad);
}
