using TorchSharp.Modules;

namespace Kernelwise.Optimizers;

/// <summary>
/// An optimizer configuration. <see cref="Models.Model.Compile"/> turns it into a TorchSharp optimizer over the
/// model's trainable parameters; the configuration object itself holds no state, so it can be reused.
/// </summary>
public abstract class Optimizer
{
    /// <summary>Stores the learning rate.</summary>
    protected Optimizer(double learningRate) => LearningRate = Guard.Positive(learningRate);

    /// <summary>The initial learning rate.</summary>
    public double LearningRate { get; }

    /// <summary>Creates the TorchSharp optimizer over <paramref name="parameters"/>.</summary>
    public abstract TorchSharp.torch.optim.Optimizer Create(IEnumerable<Parameter> parameters);
}
