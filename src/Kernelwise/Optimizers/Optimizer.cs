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
/// <para>Parameter groups: <see cref="LayerRates"/> gives runs of layers their own learning rates (fastai's
/// discriminative rates) — <c>new Adam(1e-3) { LayerRates = LayerRate.Geometric(1e-5, 1e-3, "conv1", "layer3_0", "fc") }</c>.
/// Every optimizer supports them; schedules scale every group's rate in proportion.</para>
/// </remarks>
public abstract class Optimizer
{
    private readonly double? _clipNorm;
    private readonly double? _clipValue;
    private readonly int _accumulation = 1;
    private readonly IReadOnlyList<LayerRate> _layerRates = Array.Empty<LayerRate>();

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

    /// <summary>
    /// Learning rates for runs of top-level layers, each a parameter group (see <see cref="LayerRate"/>): an entry applies
    /// from its layer up to the next entry's; layers before the first entry use <see cref="LearningRate"/>. Layer names
    /// are checked against the model when it is compiled. Empty (default): one group at <see cref="LearningRate"/>.
    /// </summary>
    public IReadOnlyList<LayerRate> LayerRates
    {
        get => _layerRates;
        init
        {
            ArgumentNullException.ThrowIfNull(value, nameof(LayerRates));
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var rate in value)
            {
                ArgumentNullException.ThrowIfNull(rate, nameof(LayerRates));
                if (!names.Add(rate.FromLayer))
                    throw new ArgumentException($"Invalid value for argument LayerRates. Expected each layer at most once. Received layer '{rate.FromLayer}' twice.", nameof(LayerRates));
            }
            _layerRates = value.ToArray();
        }
    }

    /// <summary>Creates the TorchSharp optimizer over <paramref name="parameters"/>, one group at <see cref="LearningRate"/>.</summary>
    public TorchSharp.torch.optim.Optimizer Create(IEnumerable<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return Create(new[] { new ParameterGroup(parameters.ToArray(), LearningRate) });
    }

    /// <summary>
    /// Creates the TorchSharp optimizer over parameter groups, each with its own initial learning rate and otherwise this
    /// configuration's settings (PyTorch's <c>Optimizer([{"params": ..., "lr": ...}, ...])</c>).
    /// </summary>
    public abstract TorchSharp.torch.optim.Optimizer Create(IReadOnlyList<ParameterGroup> groups);

    /// <summary>Throws unless there is at least one group and every rate is positive.</summary>
    protected static IReadOnlyList<ParameterGroup> CheckGroups(IReadOnlyList<ParameterGroup> groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        if (groups.Count == 0) throw new ArgumentException("Invalid value for argument groups. Expected at least one parameter group.", nameof(groups));
        foreach (var g in groups) ArgumentNullException.ThrowIfNull(g, nameof(groups));
        return groups;
    }
}

/// <summary>Parameters that share a learning rate in an optimizer (PyTorch's param group).</summary>
/// <param name="Parameters">The parameters.</param>
/// <param name="LearningRate">Their initial learning rate.</param>
public sealed record ParameterGroup(IReadOnlyList<Parameter> Parameters, double LearningRate)
{
    /// <summary>The parameters.</summary>
    public IReadOnlyList<Parameter> Parameters { get; } = Parameters ?? throw new ArgumentNullException(nameof(Parameters));

    /// <summary>Their initial learning rate.</summary>
    public double LearningRate { get; } = Guard.Positive(LearningRate);
}
