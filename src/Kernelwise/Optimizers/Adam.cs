using TorchSharp;
using TorchSharp.Modules;

namespace Kernelwise;

/// <summary>Adam (Kingma and Ba, 2014) with PyTorch's defaults; weight decay is L2 added to the gradient (see AdamW for decoupled decay).</summary>
public sealed class Adam : Optimizer
{
    /// <summary>Creates the configuration.</summary>
    /// <param name="learningRate">Step size (default 0.001).</param>
    /// <param name="beta1">Decay of the first-moment estimate, in [0, 1).</param>
    /// <param name="beta2">Decay of the second-moment estimate, in [0, 1).</param>
    /// <param name="epsilon">Added to the denominator.</param>
    /// <param name="weightDecay">L2 penalty.</param>
    /// <param name="amsgrad">Use the AMSGrad variant.</param>
    public Adam(double learningRate = 0.001, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0, bool amsgrad = false)
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

    /// <summary>L2 penalty.</summary>
    public double WeightDecay { get; }

    /// <summary>Whether AMSGrad is used.</summary>
    public bool Amsgrad { get; }

    /// <inheritdoc />
    public override torch.optim.Optimizer Create(IReadOnlyList<ParameterGroup> groups)
        => torch.optim.Adam(CheckGroups(groups).Select(g => new TorchSharp.Modules.Adam.ParamGroup(g.Parameters, new TorchSharp.Modules.Adam.Options { LearningRate = g.LearningRate })),
            LearningRate, Beta1, Beta2, Epsilon, WeightDecay, Amsgrad);
}
