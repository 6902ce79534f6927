using Kernelwise.Data;
using Kernelwise.Formats;
using TorchSharp;
using static TorchSharp.torch;

namespace Kernelwise.Training;

/// <summary>
/// The training engine's view of a model, and Keras's training API: <c>Compile</c> (in the model),
/// <see cref="Fit"/>, <see cref="Evaluate"/>, <see cref="Predict(Dataset, int)"/> — thin loops over three step
/// functions, <see cref="TrainStep"/>, <see cref="TestStep"/> and <see cref="PredictStep"/>, that a model may
/// override ("customising what happens in fit", Keras 3's <c>train_step</c>).
/// </summary>
/// <remarks>
/// <para>Every loop runs each step in its own dispose scope and disposes its batch, so memory stays flat over
/// epochs; tensors a public method returns belong to the caller. Gradient clipping and accumulation, class weights,
/// device moves, pinned memory, precision, the distribution strategy and metrics behave the same in
/// <c>Fit</c>, <c>Evaluate</c>, <c>Predict</c>, the confusion matrix and the learning-rate finder because they all
/// run through the same loops and steps.</para>
/// <para>Models (<c>Model</c>, built from a <c>Sequential</c> definition or a functional graph) derive from this class; the engine needs only what is declared here:
/// the module with the weights, the input and output shapes, and a forward pass.</para>
/// </remarks>
public abstract partial class Trainer : IDisposable
{
    private torch.optim.Optimizer? _optimizer;
    private Optimizer? _optimizerConfig;
    private Loss?[] _losses = Array.Empty<Loss?>();
    private double[] _lossWeights = Array.Empty<double>();
    private Metric[][] _metrics = Array.Empty<Metric[]>();

    /// <summary>Stores the device the weights live on.</summary>
    protected Trainer(ComputeDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        Device = device;
    }

    /// <summary>The model's name.</summary>
    public abstract string Name { get; }

    /// <summary>The TorchSharp module that owns the weights and buffers (named as in PyTorch state dicts).</summary>
    public abstract nn.Module Network { get; }

    /// <summary>Names of the inputs, in the order the model takes them.</summary>
    public abstract IReadOnlyList<string> InputNames { get; }

    /// <summary>Shape of one sample of each input (batch excluded).</summary>
    public abstract IReadOnlyList<Shape> InputShapes { get; }

    /// <summary>Names of the outputs (the layers that produce them), in the order the model returns them.</summary>
    public abstract IReadOnlyList<string> OutputNames { get; }

    /// <summary>Shape of one sample of each output (batch excluded).</summary>
    public abstract IReadOnlyList<Shape> OutputShapes { get; }

    /// <summary>The device the weights live on.</summary>
    public ComputeDevice Device { get; }

    /// <summary>Shape of one input sample, for a model with one input.</summary>
    public Shape InputShape => InputShapes.Count == 1 ? InputShapes[0]
        : throw new InvalidOperationException($"Model '{Name}' has {InputShapes.Count} inputs ({string.Join(", ", InputNames)}); use InputShapes.");

    /// <summary>Shape of one output sample, for a model with one output.</summary>
    public Shape OutputShape => OutputShapes.Count == 1 ? OutputShapes[0]
        : throw new InvalidOperationException($"Model '{Name}' has {OutputShapes.Count} outputs ({string.Join(", ", OutputNames)}); use OutputShapes.");

    /// <summary>Runs the network on one tensor per input (already on <see cref="ComputeDevice"/>, shapes checked); returns one fresh tensor per output.</summary>
    protected abstract Tensor[] ForwardCore(IReadOnlyList<Tensor> inputs);

    /// <summary>Switches the network to training or inference mode (dropout, batch-norm statistics).</summary>
    protected internal virtual void SetTrainingMode(bool training)
    {
        if (training) Network.train();
        else Network.eval();
    }

    /// <summary>Words naming output <paramref name="index"/> and the layer behind it, for error messages.</summary>
    protected internal virtual string DescribeOutput(int index) => $"output '{OutputNames[index]}'";

    // ---------------------------------------------------------------- compile state

    /// <summary>Whether the model has been compiled (an optimizer and a loss are set).</summary>
    public bool IsCompiled => _optimizer is not null && _losses.Length > 0;

    /// <summary>The optimizer configuration given to <c>Compile</c> (null before).</summary>
    public Optimizer? Optimizer => _optimizerConfig;

    /// <summary>The TorchSharp optimizer created by <c>Compile</c> over the weights (null before); its parameter groups hold the rates in force.</summary>
    public torch.optim.Optimizer? TorchOptimizer => _optimizer;

    /// <summary>The loss of a single-output model (null before <c>Compile</c>; for several outputs see <see cref="Losses"/>).</summary>
    public Loss? Loss => _losses.Length == 1 ? _losses[0] : null;

    /// <summary>The loss of each output (null for an output without one).</summary>
    public IReadOnlyList<Loss?> Losses => _losses;

    /// <summary>The weight of each output's loss in the total.</summary>
    public IReadOnlyList<double> LossWeights => _lossWeights;

    /// <summary>The metrics of a single-output model (for several outputs see <see cref="OutputMetrics"/>).</summary>
    public IReadOnlyList<Metric> Metrics => _metrics.Length == 1 ? _metrics[0] : _metrics.SelectMany(m => m).ToArray();

    /// <summary>The metrics of each output.</summary>
    public IReadOnlyList<IReadOnlyList<Metric>> OutputMetrics => _metrics;

    /// <summary>
    /// The precision the model computes in (Keras's dtype policy): <see cref="PrecisionPolicy.Float32"/> by default;
    /// <see cref="PrecisionPolicy.MixedBFloat16"/> or <see cref="PrecisionPolicy.MixedFloat16"/> run convolutions and
    /// dense layers in 16 bits with float32 master weights, and the latter trains with a dynamic loss scaler
    /// (<see cref="LossScaler"/>). Outputs, losses and metrics stay float32.
    /// </summary>
    public PrecisionPolicy PrecisionPolicy
    {
        get => _precision;
        set => _precision = value ?? throw new ArgumentNullException(nameof(value));
    }

    private PrecisionPolicy _precision = PrecisionPolicy.Float32;

    /// <summary>The dynamic loss scaler of float16 training (created at the first <c>Fit</c> with <see cref="PrecisionPolicy.MixedFloat16"/>; saved in checkpoints).</summary>
    public LossScaler? LossScaler { get; internal set; }

    /// <summary>Per-epoch results of every <see cref="Fit"/> call so far, and how the last one ended.</summary>
    public History History { get; } = new();

    /// <summary>Set by a callback to end training (Keras's <c>model.stop_training</c>); prefer <see cref="RequestStop"/>, which also says why.</summary>
    public bool StopTraining { get; set; }

    internal string? StopReason { get; private set; }

    internal TrainingOutcome StopOutcome { get; private set; } = TrainingOutcome.StoppedEarly;

    /// <summary>Ends training after the current batch (from a batch hook) or epoch (from an epoch hook), recording <paramref name="reason"/> in the history.</summary>
    public void RequestStop(string reason, TrainingOutcome outcome = TrainingOutcome.StoppedEarly)
    {
        Guard.NotEmpty(reason);
        StopTraining = true;
        StopReason = reason;
        StopOutcome = outcome;
    }

    internal void ClearStop()
    {
        StopTraining = false;
        StopReason = null;
        StopOutcome = TrainingOutcome.StoppedEarly;
    }

    /// <summary>
    /// Sets the optimizer, the loss and weight of each output, and each output's metrics. Creates a fresh TorchSharp
    /// optimizer over every weight (frozen ones have no gradient and are skipped by its step), so compiling again
    /// resets the optimizer's state (as in Keras) while freezing and unfreezing need no recompile.
    /// </summary>
    protected void CompileCore(Optimizer optimizer, IReadOnlyList<Loss?> losses, IReadOnlyList<double>? lossWeights, IReadOnlyList<IReadOnlyList<Metric>> metrics)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(losses);
        ArgumentNullException.ThrowIfNull(metrics);
        int outputs = OutputNames.Count;
        if (losses.Count != outputs)
            throw new ArgumentException($"Model '{Name}' has {outputs} output(s) ({string.Join(", ", OutputNames)}) but {losses.Count} loss(es) were given.", nameof(losses));
        if (losses.All(l => l is null))
            throw new ArgumentException($"Model '{Name}' needs a loss for at least one output.", nameof(losses));
        var weights = lossWeights?.ToArray() ?? Enumerable.Repeat(1.0, outputs).ToArray();
        if (weights.Length != outputs)
            throw new ArgumentException($"Model '{Name}' has {outputs} output(s) but {weights.Length} loss weight(s) were given.", nameof(lossWeights));
        for (int i = 0; i < weights.Length; i++)
        {
            if (!(weights[i] >= 0) || double.IsInfinity(weights[i]))
                throw new ArgumentException($"Invalid loss weight for output '{OutputNames[i]}'. Expected a finite value of 0 or more. Received {weights[i]}.", nameof(lossWeights));
        }
        if (metrics.Count != outputs)
            throw new ArgumentException($"Model '{Name}' has {outputs} output(s) but metrics were given for {metrics.Count}.", nameof(metrics));
        var keys = new HashSet<string>();
        for (int o = 0; o < outputs; o++)
        {
            foreach (var m in metrics[o])
            {
                ArgumentNullException.ThrowIfNull(m, nameof(metrics));
                if (!keys.Add(MetricKey(o, m.Name, outputs)))
                    throw new ArgumentException($"Two metrics are named '{m.Name}'{(outputs > 1 ? $" on output '{OutputNames[o]}'" : "")}; metric names must be unique.", nameof(metrics));
            }
        }
        _optimizer?.Dispose();
        _optimizerConfig = optimizer;
        _optimizer = optimizer.Create(CreateParameterGroups(optimizer));
        _losses = losses.ToArray();
        _lossWeights = weights;
        _metrics = metrics.Select(m => m.ToArray()).ToArray();
    }

    /// <summary>
    /// The optimizer's parameter groups over the weights: by default one group at the optimizer's rate. <c>Model</c>
    /// resolves <see cref="Kernelwise.Optimizer.LayerRates"/> by layer name; here they are refused, having no layers to name.
    /// </summary>
    protected internal virtual IReadOnlyList<ParameterGroup> CreateParameterGroups(Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        if (optimizer.LayerRates.Count > 0)
            throw new NotSupportedException($"Model '{Name}' ({GetType().Name}) has no named layers to give the optimizer's LayerRates to; override CreateParameterGroups.");
        return new[] { new ParameterGroup(Network.parameters().ToArray(), optimizer.LearningRate) };
    }

    /// <summary>The log key of a metric: its name for a single output, <c>{output}_{name}</c> with several (Keras 3's convention).</summary>
    internal string MetricKey(int output, string name, int? outputs = null)
        => (outputs ?? OutputNames.Count) == 1 ? name : $"{OutputNames[output]}_{name}";

    // ---------------------------------------------------------------- building blocks of steps

    /// <summary>
    /// The model applied to <paramref name="inputs"/> (one tensor per input, batch first) in the current mode; one
    /// fresh tensor per output. Inputs are moved to <see cref="ComputeDevice"/> when elsewhere; their shapes are checked.
    /// </summary>
    public Tensor[] Call(IReadOnlyList<Tensor> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        CheckInputs(inputs, "Call");
        var device = Device.ToTorch();
        if (inputs.All(t => t.device == device)) return ForwardCore(inputs);
        var moved = inputs.Select(t => t.device == device ? t : t.to(device)).ToArray();
        try
        {
            return ForwardCore(moved);
        }
        finally
        {
            for (int i = 0; i < moved.Length; i++) if (!ReferenceEquals(moved[i], inputs[i])) moved[i].Dispose();
        }
    }

    /// <summary>The model applied to one input tensor (a model with one input and one output).</summary>
    public Tensor Call(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var outputs = Call(new[] { input });
        if (outputs.Length == 1) return outputs[0];
        foreach (var o in outputs) o.Dispose();
        throw new InvalidOperationException($"Model '{Name}' has {outputs.Length} outputs; use Call(IReadOnlyList<Tensor>).");
    }

    /// <summary>
    /// The compiled objective: Σ weightᵢ · lossᵢ(outputᵢ, targetᵢ) over the outputs that have a loss, computed in
    /// float32 whatever the outputs' precision. With <paramref name="classWeights"/> (single output, class-index
    /// targets), each sample's loss is multiplied by its class's weight (Keras: Σ wᵢ·lᵢ / N).
    /// </summary>
    public Tensor ComputeLoss(IReadOnlyList<Tensor> outputs, IReadOnlyList<Tensor> targets, Tensor? classWeights = null)
        => ComputeLoss(outputs, targets, classWeights, null);

    internal Tensor ComputeLoss(IReadOnlyList<Tensor> outputs, IReadOnlyList<Tensor> targets, Tensor? classWeights, Action<int, Tensor>? component)
    {
        RequireCompiled(nameof(ComputeLoss));
        if (outputs.Count != _losses.Length)
            throw new ArgumentException($"Model '{Name}' has {_losses.Length} output(s); ComputeLoss received {outputs.Count}.", nameof(outputs));
        if (targets.Count != _losses.Length)
            throw new ArgumentException($"Model '{Name}' has {_losses.Length} output(s) and needs a target for each; received {targets.Count} target(s).", nameof(targets));
        Tensor? total = null;
        for (int i = 0; i < _losses.Length; i++)
        {
            if (_losses[i] is not { } loss) continue;
            var prediction = outputs[i].dtype is ScalarType.Float16 or ScalarType.BFloat16 ? outputs[i].to_type(ScalarType.Float32) : outputs[i];
            var term = classWeights is null ? loss.Compute(prediction, targets[i]) : WeightedLoss(loss, prediction, targets[i], classWeights);
            component?.Invoke(i, term);
            if (_losses.Length > 1 && _lossWeights[i] != 1) term = term.mul(_lossWeights[i]);
            total = total is null ? term : total.add(term);
        }
        return total!;
    }

    private static Tensor WeightedLoss(Loss loss, Tensor output, Tensor targets, Tensor classWeights)
    {
        var perSample = loss.ComputePerSample(output, targets);
        var index = targets.dtype == ScalarType.Int64 ? targets : targets.to_type(ScalarType.Int64);
        if (index.dim() != 1)
            throw new ArgumentException($"classWeight needs class-index targets [batch]; received targets of shape [{string.Join(", ", targets.shape)}].", "classWeight");
        var w = classWeights.index_select(0, index).to_type(perSample.dtype);
        return (perSample * w).mean();
    }

    // ---------------------------------------------------------------- the three steps

    /// <summary>
    /// One training step on a batch (Keras 3's <c>train_step</c>): forward, loss, backward, update, metrics. Override it
    /// to change what a step does — two forward passes, an extra penalty, a second optimizer — and keep using the
    /// context's <see cref="StepContext.Backward"/> and <see cref="StepContext.ApplyGradients"/> so gradient
    /// accumulation, clipping, mixed precision and data parallelism keep working.
    /// </summary>
    /// <remarks>
    /// Runs inside a dispose scope the engine owns, with the model in training mode: tensors created here die with
    /// the step. The default is:
    /// <code>
    /// var outputs = Call(step.Inputs);
    /// var loss = step.ComputeLoss(outputs);
    /// step.Backward(loss);
    /// step.ApplyGradients();
    /// step.Record(loss, outputs);
    /// </code>
    /// </remarks>
    protected virtual void TrainStep(StepContext step)
    {
        ArgumentNullException.ThrowIfNull(step);
        var outputs = Call(step.Inputs);
        var loss = step.ComputeLoss(outputs);
        step.Backward(loss);
        step.ApplyGradients();
        step.Record(loss, outputs);
    }

    /// <summary>One evaluation step (Keras's <c>test_step</c>): forward in inference mode with gradients off, loss, metrics.</summary>
    protected virtual void TestStep(StepContext step)
    {
        ArgumentNullException.ThrowIfNull(step);
        var outputs = Call(step.Inputs);
        var loss = step.ComputeLoss(outputs);
        step.Record(loss, outputs);
    }

    /// <summary>One prediction step (Keras's <c>predict_step</c>): the outputs for a batch of inputs, in inference mode with gradients off.</summary>
    protected virtual Tensor[] PredictStep(IReadOnlyList<Tensor> inputs) => Call(inputs);

    internal void RunTrainStep(StepContext step) => TrainStep(step);

    internal void RunTestStep(StepContext step) => TestStep(step);

    internal Tensor[] RunPredictStep(IReadOnlyList<Tensor> inputs) => PredictStep(inputs);

    // ---------------------------------------------------------------- weights

    /// <summary>
    /// Writes the weights and buffers (batch-norm statistics), atomically: to a temporary file in the same folder,
    /// flushed to disk, then renamed over <paramref name="path"/> — a crash never leaves a partial file.
    /// </summary>
    /// <param name="path">The file. Its extension picks the format unless <paramref name="format"/> is given:
    /// <c>.safetensors</c> → safetensors, <c>.pt</c>/<c>.pth</c> → a PyTorch state dict (loadable with
    /// <c>model.load_state_dict(torch.load(path))</c> in Python, names such as <c>conv2d.weight</c>), anything else →
    /// TorchSharp's format.</param>
    /// <param name="format">The format, overriding the extension.</param>
    public void SaveWeights(string path, WeightsFormat? format = null) => WeightsFile.Save(Network, Name, path, format);

    /// <summary>
    /// Loads weights from a file written by <see cref="SaveWeights"/>, by PyTorch (<c>torch.save(model.state_dict())</c>,
    /// <c>.pt</c>/<c>.pth</c>) or as safetensors. Every tensor is checked first: when any is missing, unexpected or has the
    /// wrong shape, the error lists them all, names the file, and the model is left unchanged.
    /// </summary>
    /// <param name="path">The file; its extension picks the format as in <see cref="SaveWeights"/>.</param>
    /// <param name="format">The format, overriding the extension.</param>
    /// <param name="strict">When false, missing and unexpected tensors are ignored (e.g. to load a backbone into a model
    /// with a new head); tensors with the wrong shape are always an error. Safetensors and PyTorch files only.</param>
    /// <remarks>Loading never executes code from the file: safetensors holds data only, and PyTorch files are refused
    /// when their pickle names anything other than tensors, storages and ordered dicts.</remarks>
    public void LoadWeights(string path, WeightsFormat? format = null, bool strict = true) => WeightsFile.Load(Network, Name, path, format, strict);

    // ---------------------------------------------------------------- checks

    /// <summary>Throws a clear error unless <paramref name="inputs"/> has one tensor per model input with the declared shapes.</summary>
    internal void CheckInputs(IReadOnlyList<Tensor> inputs, string method)
    {
        if (inputs.Count != InputShapes.Count)
            throw new ArgumentException($"{method} received {inputs.Count} input tensor(s); model '{Name}' takes {InputShapes.Count} ({string.Join(", ", InputNames)}).");
        for (int i = 0; i < inputs.Count; i++)
        {
            var t = inputs[i];
            var expected = InputShapes[i].WithBatch(t.shape.Length > 0 ? t.shape[0] : 0);
            if (!t.shape.SequenceEqual(expected))
            {
                string which = inputs.Count == 1 ? "inputs" : $"input '{InputNames[i]}'";
                throw new ArgumentException(
                    $"{method} received {which} of shape [{string.Join(", ", t.shape)}]; model '{Name}' expects [batch, {string.Join(", ", InputShapes[i].ToArray())}] (NCHW).");
            }
        }
    }

    /// <summary>
    /// Checks class-index targets on the host before they reach the device: a label outside the model's outputs is a
    /// clear error naming the largest label, the number of outputs and the last layer — not libtorch's
    /// "Target 8 is out of bounds" deep inside the loss.
    /// </summary>
    internal void CheckTargets(IReadOnlyList<Tensor> targets, string method)
    {
        for (int i = 0; i < _losses.Length && i < targets.Count; i++)
        {
            if (_losses[i] is not { } loss || targets[i].device_type != DeviceType.CPU) continue;
            string? problem = loss.DescribeTargetProblem(targets[i], OutputShapes[i]);
            if (problem is not null)
                throw new ArgumentException($"{method}: {problem} Model '{Name}', {DescribeOutput(i)}, produces {OutputShapes[i]} per sample.");
        }
    }

    internal void RequireCompiled(string method)
    {
        if (!IsCompiled)
            throw new InvalidOperationException($"Model '{Name}' must be compiled before {method}: call model.Compile(optimizer, loss, metrics) first.");
    }

    /// <summary>Disposes the weights and the optimizer.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Disposes the optimizer and, in derived classes, the network.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (!disposing) return;
        _optimizer?.Dispose();
        _optimizer = null;
    }
}
