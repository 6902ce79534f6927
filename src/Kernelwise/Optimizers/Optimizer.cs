using TorchSharp.Modules;

namespace Kernelwise;

/// <summary>
/// An optimizer configuration. <c>Model.Compile</c> turns it into a TorchSharp optimizer over the
/// model's parameters; the configuration object itself holds no state, so it can be reused.
/// </summary>
/// <remarks>
/// <para>Besides the update rule, the configuration carries what Keras puts on its optimizers:
/// gradient clipping (<see cref="ClipNorm"/>, <see cref="ClipValue"/>) and gradient accumulation
/// (<see cref="GradientAccumulationSteps"/>). The trainer applies them around each update:</para>
/// <code>
/// backward (× N batches, each loss divided by the window's batch count) → clip by value → clip by norm → step
/// </code>
/// <para>Example: <c>new AdamW(1e-3) { ClipNorm = 1.0, GradientAccumulationSteps = 4 }</c>.</para>
/// </remarks>
public abstract class Optimizer
{
    private readonly double? _clipNorm;
    private readonly double? _clipValue;
    private readonly int _accumulation = 1;

    /// <summary>Stores the learning rate.</summary>
    protected Optimizer(double learningRate) => LearningRate = Guard.Positive(learningRate);

    /// <summary>The initial learning rate.</summary>
    public double LearningRate { get; }

    /// <summary>
    /// Rescales all gradients together so that their global L2 norm is at most this value — PyTorch's
    /// <c>clip_grad_norm_</c>, Keras's <c>global_clipnorm</c>. Null (default) disables it.
    /// </summary>
    public double? ClipNorm
    {
        get => _clipNorm;
        init => _clipNorm = value is double v ? Guard.Positive(v, nameof(ClipNorm)) : null;
    }

    /// <summary>
    /// Clamps every gradient element to [−value, value] — PyTorch's <c>clip_grad_value_</c>, Keras's <c>clipvalue</c>.
    /// Null (default) disables it. Applied before <see cref="ClipNorm"/> when both are set.
    /// </summary>
    public double? ClipValue
    {
        get => _clipValue;
        init => _clipValue = value is double v ? Guard.Positive(v, nameof(ClipValue)) : null;
    }

    /// <summary>
    /// Number of batches whose gradients are summed before one update (Keras 3's <c>gradient_accumulation_steps</c>,
    /// Lightning's <c>accumulate_grad_batches</c>); default 1. Each batch's loss is divided by the number of batches
    /// in its window, so N batches of B samples give the gradient of one batch of N·B samples. A last, shorter
    /// window at the end of an epoch is applied too.
    /// </summary>
    public int GradientAccumulationSteps
    {
        get => _accumulation;
        init => _accumulation = Guard.Positive(value, nameof(GradientAccumulationSteps));
    }

    /// <summary>Creates the TorchSharp optimizer over <paramref name="parameters"/>.</summary>
    public abstract TorchSharp.torch.optim.Optimizer Create(IEnumerable<Parameter> parameters);
}
