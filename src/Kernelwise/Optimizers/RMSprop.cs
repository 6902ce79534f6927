using TorchSharp;
using TorchSharp.Modules;

namespace Kernelwise;

/// <summary>
/// RMSprop (Hinton, 2012): divides the gradient by a running root-mean-square of recent gradients. PyTorch's
/// <c>RMSprop</c> with its defaults (Keras's <c>rho</c> is <c>alpha</c> here).
/// </summary>
public sealed class RMSprop : Optimizer
{
    /// <summary>Creates the configuration.</summary>
    /// <param name="learningRate">Step size (default 0.01, PyTorch's).</param>
    /// <param name="alpha">Decay of the running mean of squared gradients, in [0, 1) (Keras's <c>rho</c>).</param>
    /// <param name="epsilon">Added to the denominator.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient.</param>
    /// <param name="momentum">Momentum factor in [0, 1).</param>
    /// <param name="centered">Normalise by an estimate of the gradient's variance instead of its second moment.</param>
    public RMSprop(double learningRate = 0.01, double alpha = 0.99, double epsilon = 1e-8, double weightDecay = 0, double momentum = 0, bool centered = false)
        : base(learningRate)
    {
        Alpha = Guard.InRange(alpha, 0, 1, maxInclusive: false);
        Epsilon = Guard.Positive(epsilon);
        WeightDecay = Guard.NonNegative(weightDecay);
        Momentum = Guard.InRange(momentum, 0, 1, maxInclusive: false);
        Centered = centered;
    }

    /// <summary>Decay of the squared-gradient average.</summary>
    public double Alpha { get; }

    /// <summary>Denominator term.</summary>
    public double Epsilon { get; }

    /// <summary>L2 penalty.</summary>
    public double WeightDecay { get; }

    /// <summary>Momentum factor.</summary>
    public double Momentum { get; }

    /// <summary>Whether the centered variant is used.</summary>
    public bool Centered { get; }

    /// <inheritdoc />
    public override torch.optim.Optimizer Create(IReadOnlyList<ParameterGroup> groups)
        => torch.optim.RMSProp(CheckGroups(groups).Select(g => new TorchSharp.Modules.RMSProp.ParamGroup(g.Parameters, new TorchSharp.Modules.RMSProp.Options { LearningRate = g.LearningRate })),
            LearningRate, Alpha, Epsilon, WeightDecay, Momentum, Centered);
}
