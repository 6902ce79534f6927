using TorchSharp;
using TorchSharp.Modules;

namespace Kernelwise;

/// <summary>Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay (PyTorch's SGD).</summary>
public sealed class SGD : Optimizer
{
    /// <summary>Creates the configuration.</summary>
    /// <param name="learningRate">Step size (default 0.01, as Keras).</param>
    /// <param name="momentum">Momentum factor in [0, 1).</param>
    /// <param name="nesterov">Use Nesterov momentum (needs momentum above 0).</param>
    /// <param name="weightDecay">L2 penalty added to the gradient.</param>
    public SGD(double learningRate = 0.01, double momentum = 0, bool nesterov = false, double weightDecay = 0) : base(learningRate)
    {
        Momentum = Guard.InRange(momentum, 0, 1, maxInclusive: false);
        WeightDecay = Guard.NonNegative(weightDecay);
        if (nesterov && momentum == 0)
            throw new ArgumentException("Invalid value for argument nesterov. Nesterov momentum needs momentum > 0. Received nesterov=true, momentum=0.", nameof(nesterov));
        Nesterov = nesterov;
    }

    /// <summary>Momentum factor.</summary>
    public double Momentum { get; }

    /// <summary>Whether Nesterov momentum is used.</summary>
    public bool Nesterov { get; }

    /// <summary>L2 penalty.</summary>
    public double WeightDecay { get; }

    /// <inheritdoc />
    public override torch.optim.Optimizer Create(IReadOnlyList<ParameterGroup> groups)
        => torch.optim.SGD(CheckGroups(groups).Select(g => new TorchSharp.Modules.SGD.ParamGroup(g.Parameters, new TorchSharp.Modules.SGD.Options { LearningRate = g.LearningRate })),
            LearningRate, Momentum, 0, WeightDecay, Nesterov);
}
