using Kernelwise.Training;
using Kernelwise.Formats;
using Kernelwise.Data;
using Kernelwise.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace Kernelwise.Models;

/// <summary>
/// A built model: its layers, the TorchSharp module that computes it, and Keras's training API —
/// <see cref="Compile"/>, <see cref="Fit"/>, <see cref="Evaluate"/>, <see cref="Predict(Dataset, int)"/>,
/// <see cref="Save"/> and <see cref="Load"/>.
/// </summary>
/// <remarks>
/// Ownership: the model owns its module (weights, buffers) and its compiled optimizer, and disposes them in
/// <see cref="Dispose"/>. Every training, evaluation and prediction step runs inside a dispose scope the framework
/// owns, so native memory stays flat over epochs; tensors a method returns belong to the caller.
/// </remarks>
public sealed class Model : IDisposable
{
    private optim.Optimizer? _optimizer;
    private Optimizer? _optimizerConfig;
    private readonly HashSet<string> _frozen = new(StringComparer.Ordinal);

    internal Model(string name, Shape input, Shape output, IReadOnlyList<Layer> layers, nn.Module<Tensor, Tensor> network, ModelSummary summary, Device device)
    {
        Name = name;
        InputShape = input;
        OutputShape = output;
        Layers = layers;
        Network = network;
        SummaryData = summary;
        Device = device;
    }

    /// <summary>The model's name.</summary>
    public string Name { get; }

    /// <summary>Shape of one input sample (batch excluded).</summary>
    public Shape InputShape { get; }

    /// <summary>Shape of one output sample (batch excluded).</summary>
    public Shape OutputShape { get; }

    /// <summary>The top-level layers, in order.</summary>
    public IReadOnlyList<Layer> Layers { get; }

    /// <summary>
    /// The TorchSharp module: named children per layer, parameters named <c>{layer}.weight</c> and
    /// <c>{layer}.bias</c> as in PyTorch state dicts. Owned by the model.
    /// </summary>
    public nn.Module<Tensor, Tensor> Network { get; }

    /// <summary>The device the weights live on.</summary>
    public Device Device { get; private set; }

    internal ModelSummary SummaryData { get; }

    /// <summary>The loss set by <see cref="Compile"/>.</summary>
    public Loss? Loss { get; private set; }

    /// <summary>The metrics set by <see cref="Compile"/>.</summary>
    public IReadOnlyList<Metric> Metrics { get; private set; } = Array.Empty<Metric>();

    /// <summary>The TorchSharp optimizer created by <see cref="Compile"/> (null before).</summary>
    public optim.Optimizer? Optimizer => _optimizer;

    /// <summary>The optimizer configuration given to <see cref="Compile"/>.</summary>
    public Optimizer? OptimizerConfig => _optimizerConfig;

    /// <summary>Per-epoch results of every <see cref="Fit"/> call so far.</summary>
    public History History { get; } = new();

    /// <summary>Set by a callback to end training after the current epoch (Keras's <c>model.stop_training</c>).</summary>
    public bool StopTraining { get; set; }

    /// <summary>
    /// The summary (shapes, parameters, MACs, receptive fields), computed by arithmetic. Parameters of frozen layers
    /// (<see cref="Freeze(string[])"/>) count as non-trainable, as in Keras.
    /// </summary>
    public ModelSummary Summary()
    {
        if (_frozen.Count == 0) return SummaryData;
        var rows = new List<LayerDescription>();
        bool inFrozen = false;
        foreach (var row in SummaryData.Rows)
        {
            if (row.Depth == 0) inFrozen = _frozen.Contains(row.Layer.Name);
            rows.Add(inFrozen ? row with { Parameters = new ParameterCount(0, row.Parameters.Total) } : row);
        }
        return new ModelSummary(SummaryData.Name, SummaryData.Input, rows, SummaryData.PyTorchParameterCount);
    }

    /// <summary>Names of the frozen top-level layers.</summary>
    public IReadOnlyCollection<string> FrozenLayers => _frozen;

    /// <summary>
    /// Freezes the named top-level layers for fine-tuning (Keras's <c>layer.trainable = False</c>, PyTorch's
    /// <c>requires_grad_(False)</c>): their weights stop changing, and their batch-norm statistics are no longer
    /// updated (frozen batch normalization runs in inference mode, as in Keras). Takes effect at the next training
    /// step; no recompile is needed and the optimizer's state is kept.
    /// </summary>
    /// <returns>The same model, so calls can be chained.</returns>
    public Model Freeze(params string[] layerNames) => SetFrozen(true, ResolveLayers(layerNames));

    /// <summary>Freezes the top-level layers in <paramref name="layers"/> (by position, e.g. <c>..^1</c>: all but the last).</summary>
    public Model Freeze(Range layers) => SetFrozen(true, ResolveLayers(layers));

    /// <summary>Unfreezes the named layers; with no names, every layer.</summary>
    public Model Unfreeze(params string[] layerNames)
        => SetFrozen(false, layerNames.Length == 0 ? Layers.Select(l => l.Name).ToList() : ResolveLayers(layerNames));

    /// <summary>Unfreezes the top-level layers in <paramref name="layers"/> (by position).</summary>
    public Model Unfreeze(Range layers) => SetFrozen(false, ResolveLayers(layers));

    private List<string> ResolveLayers(string[] names)
    {
        ArgumentNullException.ThrowIfNull(names);
        if (names.Length == 0) throw new ArgumentException("Invalid value for argument layerNames. Expected at least one layer name.", nameof(names));
        foreach (var n in names)
        {
            if (!Layers.Any(l => l.Name == n))
                throw new ArgumentException($"Model '{Name}' has no layer named '{n}'. Its layers are: {string.Join(", ", Layers.Select(l => l.Name))}.", nameof(names));
        }
        return names.ToList();
    }

    private List<string> ResolveLayers(Range range)
    {
        var (offset, length) = range.GetOffsetAndLength(Layers.Count);
        return Layers.Skip(offset).Take(length).Select(l => l.Name).ToList();
    }

    private Model SetFrozen(bool frozen, IEnumerable<string> names)
    {
        var children = Network.named_children().ToDictionary(c => c.name, c => c.module);
        foreach (var name in names)
        {
            if (frozen) _frozen.Add(name);
            else _frozen.Remove(name);
            if (!children.TryGetValue(name, out var module)) continue; // layers without a module of their own
            foreach (var p in module.parameters())
            {
                p.requires_grad = !frozen;
                if (frozen) p.grad = null; // a zeroed gradient would still move the weight through momentum or weight decay
            }
        }
        return this;
    }

    /// <summary>Switches to training mode, keeping frozen layers' batch normalization in inference mode.</summary>
    internal void TrainMode()
    {
        Network.train();
        if (_frozen.Count == 0) return;
        foreach (var (name, module) in Network.named_children())
        {
            if (!_frozen.Contains(name)) continue;
            foreach (var m in module.modules().Prepend(module))
            {
                if (m is TorchSharp.Modules.BatchNorm) m.eval();
            }
        }
    }

    /// <summary>
    /// Sets the optimizer, loss and metrics. Creates a fresh TorchSharp optimizer over the trainable parameters,
    /// so compiling again resets the optimizer's state (as in Keras).
    /// </summary>
    /// <returns>The same model, so calls can be chained.</returns>
    public Model Compile(Optimizer optimizer, Loss loss, params Metric[] metrics)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(metrics);
        var names = new HashSet<string>();
        foreach (var m in metrics)
        {
            ArgumentNullException.ThrowIfNull(m, nameof(metrics));
            if (!names.Add(m.Name)) throw new ArgumentException($"Two metrics are named '{m.Name}'; metric names must be unique.", nameof(metrics));
        }
        _optimizer?.Dispose();
        _optimizerConfig = optimizer;
        // Every parameter is handed to the optimizer; frozen ones have no gradient and are skipped by its step, so
        // freezing and unfreezing need no recompile and the optimizer's state keeps its layout.
        _optimizer = optimizer.Create(Network.parameters());
        Loss = loss;
        Metrics = metrics.ToArray();
        return this;
    }

    /// <summary>
    /// Trains for <paramref name="epochs"/> epochs and returns the history (keys <c>loss</c>, each metric, <c>lr</c>, and
    /// with validation data <c>val_loss</c> and <c>val_</c>-prefixed metrics).
    /// </summary>
    /// <param name="train">Training samples.</param>
    /// <param name="epochs">Index of the last epoch plus one (as Keras: with <paramref name="initialEpoch"/> k, trains epochs k … epochs − 1).</param>
    /// <param name="batchSize">Samples per step.</param>
    /// <param name="validationData">Samples evaluated after every epoch.</param>
    /// <param name="shuffle">Reshuffle the training samples every epoch.</param>
    /// <param name="seed">Seeds the shuffle order and libtorch's generator (dropout): with the same seed (and weights built
    /// after the same <c>torch.manual_seed</c>), a CPU run is bit-identical.</param>
    /// <param name="callbacks">Hooks called during training.</param>
    /// <param name="verbose">0 silent, 1 progress bar (one line per epoch when output is redirected), 2 one line per epoch.</param>
    /// <param name="initialEpoch">Epoch index to start from (to continue training).</param>
    /// <param name="validationSplit">Fraction of <paramref name="train"/> held out for validation: the last samples, taken
    /// before any shuffling (as Keras). Not allowed together with <paramref name="validationData"/>.</param>
    /// <param name="classWeight">Weight per class index; each sample's loss is multiplied by its class's weight
    /// (Keras: <c>Σ wᵢ·lᵢ / N</c>), classes not listed weigh 1. Needs class-index targets and a loss that implements
    /// <see cref="Loss.ComputePerSample"/>. Validation losses are not weighted.</param>
    /// <param name="stepsPerEpoch">Batches per epoch (at most one pass over the data); the rest of each epoch's shuffled order is skipped.</param>
    /// <param name="resumeFrom">A training checkpoint (<see cref="TrainingCheckpoint"/>) to resume from: weights, optimizer
    /// and callback state, epoch and batch, random state, data order and history are restored, and training continues
    /// where it stopped. <paramref name="initialEpoch"/> is then ignored.</param>
    /// <param name="cancellationToken">Stops training after the current step (or accumulation window); callbacks get
    /// <see cref="Callback.OnInterrupt"/>, so <see cref="SaveOnInterrupt"/> can save a checkpoint.</param>
    public History Fit(Dataset train, int epochs = 1, int batchSize = 32, Dataset? validationData = null, bool shuffle = true,
        int? seed = null, IEnumerable<Callback>? callbacks = null, int verbose = 1, int initialEpoch = 0,
        double validationSplit = 0, IReadOnlyDictionary<int, double>? classWeight = null, int? stepsPerEpoch = null,
        string? resumeFrom = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        Guard.Positive(epochs);
        Guard.Positive(batchSize);
        Guard.NonNegative(initialEpoch);
        Guard.InRange(validationSplit, 0, 1, maxInclusive: false);
        if (stepsPerEpoch is int spe) Guard.Positive(spe, nameof(stepsPerEpoch));
        if (verbose is < 0 or > 2) throw new ArgumentOutOfRangeException(nameof(verbose), $"Invalid value for argument verbose. Expected 0, 1 or 2. Received verbose={verbose}.");
        if (resumeFrom is null && initialEpoch >= epochs)
            throw new ArgumentException($"Invalid value for argument initialEpoch. Expected a value below epochs={epochs}. Received initialEpoch={initialEpoch}.", nameof(initialEpoch));
        if (validationData is not null && validationSplit > 0)
            throw new ArgumentException($"Invalid arguments validationData and validationSplit. Expected one of them, not both. Received validationSplit={validationSplit} with validationData.", nameof(validationSplit));
        if (classWeight is not null)
        {
            foreach (var (c, w) in classWeight)
            {
                if (c < 0 || !(w >= 0) || double.IsInfinity(w))
                    throw new ArgumentException($"Invalid value for argument classWeight. Expected class indices of 0 or more with finite weights of 0 or more. Received classWeight[{c}]={w}.", nameof(classWeight));
            }
        }
        RequireCompiled(nameof(Fit));
        var list = callbacks?.ToList() ?? new List<Callback>();
        foreach (var c in list) ArgumentNullException.ThrowIfNull(c, nameof(callbacks));
        return Trainer.Fit(this, new FitOptions(train, epochs, batchSize, validationData, validationSplit, shuffle, seed, list, verbose,
            initialEpoch, stepsPerEpoch, classWeight, resumeFrom, cancellationToken));
    }

    /// <summary>
    /// A learning-rate range test (fastai's <c>lr_find</c>): trains on batches of <paramref name="train"/> while the rate
    /// grows exponentially from <paramref name="startRate"/> to <paramref name="endRate"/> over at most
    /// <paramref name="steps"/> batches (stopping early when the loss diverges), then restores the weights, the
    /// batch-norm statistics, the optimizer's state and rates, and the random generator — the model is exactly as before.
    /// </summary>
    /// <returns>Rates and smoothed losses, with suggestions (<see cref="LearningRateFinderResult.SuggestedRate"/>) and a plot.</returns>
    public LearningRateFinderResult FindLearningRate(Dataset train, double startRate = 1e-7, double endRate = 10, int steps = 100, int batchSize = 32, int? seed = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        Guard.Positive(startRate);
        Guard.Positive(endRate);
        if (endRate <= startRate)
            throw new ArgumentException($"Invalid value for argument endRate. Expected a value above startRate={startRate}. Received endRate={endRate}.", nameof(endRate));
        if (steps is < 2 or > 1000)
            throw new ArgumentOutOfRangeException(nameof(steps), steps, $"Invalid value for argument steps. Expected a value in [2, 1000]. Received steps={steps}.");
        Guard.Positive(batchSize);
        RequireCompiled(nameof(FindLearningRate));
        if (_optimizer is not TorchSharp.Modules.OptimizerHelper)
            throw new NotSupportedException($"FindLearningRate needs an optimizer that can save its state; {_optimizer!.GetType().Name} cannot.");
        return LearningRateFinder.Run(this, train, startRate, endRate, steps, batchSize, seed);
    }

    /// <summary>Loss and metrics over <paramref name="data"/> in evaluation mode (dropout off, batch-norm running statistics).</summary>
    public IReadOnlyDictionary<string, double> Evaluate(Dataset data, int batchSize = 256, IEnumerable<Callback>? callbacks = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        Guard.Positive(batchSize);
        RequireCompiled(nameof(Evaluate));
        return Trainer.Evaluate(this, data, batchSize, callbacks?.ToList() ?? new List<Callback>(), prefix: "");
    }

    /// <summary>
    /// The confusion matrix of the model's predictions on <paramref name="data"/> (evaluation mode), counted exactly
    /// over every sample: rows are the actual classes, columns the predicted ones. Class names are taken from a
    /// <see cref="TensorDataset"/> that has them.
    /// </summary>
    public ConfusionMatrix ConfusionMatrix(Dataset data, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(data);
        Guard.Positive(batchSize);
        int classes = OutputShape.Rank == 1 && OutputShape[0] >= 2 ? OutputShape[0] : 2;
        var names = (data as TensorDataset)?.ClassNames;
        var matrix = new ConfusionMatrix(classes, names is not null && names.Count == classes ? names : null);
        var device = Device.ToTorch();
        bool wasTraining = Network.training;
        Network.eval();
        try
        {
            using var _ = no_grad();
            foreach (var batch in new DataLoader(data, batchSize))
            {
                using (batch)
                using (var scope = NewDisposeScope())
                {
                    CheckInput(batch.Inputs, "ConfusionMatrix");
                    var output = Network.forward(batch.Inputs.to(device));
                    matrix.Update(output, batch.Targets.to(device));
                }
            }
        }
        finally
        {
            if (wasTraining) TrainMode();
        }
        return matrix;
    }

    /// <summary>The model's outputs (logits for a classifier) for every sample, on the CPU, [N, ...]; the caller owns the tensor.</summary>
    public Tensor Predict(Dataset data, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(data);
        Guard.Positive(batchSize);
        return Trainer.Predict(this, new DataLoader(data, batchSize).Select(b => b), data.Count);
    }

    /// <summary>The model's outputs for <paramref name="inputs"/> [N, ...]; on the CPU; the caller owns the tensor.</summary>
    public Tensor Predict(Tensor inputs, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        Guard.Positive(batchSize);
        CheckInput(inputs, "Predict");
        long n = inputs.shape[0];
        IEnumerable<Batch> Batches()
        {
            for (long start = 0; start < n; start += batchSize)
            {
                long size = Math.Min(batchSize, n - start);
                yield return new Batch(inputs.narrow(0, start, size), zeros(size, dtype: ScalarType.Int64));
            }
        }
        return Trainer.Predict(this, Batches(), n);
    }

    /// <summary>
    /// Class probabilities (softmax over the outputs) for every sample; the caller owns the tensor. A model whose last
    /// layer already applies softmax (see <see cref="EndsInSoftmax"/>) returns its outputs unchanged, not softmax twice.
    /// </summary>
    public Tensor PredictProbabilities(Dataset data, int batchSize = 256)
    {
        var outputs = Predict(data, batchSize);
        if (EndsInSoftmax) return outputs;
        using (outputs) return nn.functional.softmax(outputs, 1);
    }

    /// <summary>
    /// Class probabilities (softmax over the outputs) for <paramref name="inputs"/>; the caller owns the tensor. A model
    /// whose last layer already applies softmax returns its outputs unchanged.
    /// </summary>
    public Tensor PredictProbabilities(Tensor inputs, int batchSize = 256)
    {
        var outputs = Predict(inputs, batchSize);
        if (EndsInSoftmax) return outputs;
        using (outputs) return nn.functional.softmax(outputs, 1);
    }

    /// <summary>
    /// True when the model's outputs are already probabilities: its last layer other than dropout (an identity at
    /// inference) applies softmax as its activation (<see cref="IHasActivation"/>: an activation layer, Dense, a
    /// convolution or a residual block with <c>activation: Softmax</c>).
    /// Probability helpers and the ONNX exporter use it so softmax is never applied twice.
    /// </summary>
    public bool EndsInSoftmax
    {
        get
        {
            for (int i = Layers.Count - 1; i >= 0; i--)
            {
                if (Layers[i] is Dropout or SpatialDropout2D) continue;
                return Layers[i] is IHasActivation { Activation: Activation.Softmax };
            }
            return false;
        }
    }

    /// <summary>
    /// Writes the weights and buffers (batch-norm statistics), atomically: to a temporary file in the same folder,
    /// flushed to disk, then renamed over <paramref name="path"/> — a crash never leaves a partial file.
    /// </summary>
    /// <param name="path">The file. Its extension picks the format unless <paramref name="format"/> is given:
    /// <c>.safetensors</c> → safetensors, <c>.pt</c>/<c>.pth</c> → a PyTorch state dict (loadable with
    /// <c>model.load_state_dict(torch.load(path))</c> in Python, names such as <c>conv2d.weight</c>), anything else →
    /// TorchSharp's format.</param>
    /// <param name="format">The format, overriding the extension.</param>
    public void Save(string path, WeightsFormat? format = null)
    {
        Guard.NotEmpty(path);
        var f = format ?? FormatOf(path);
        if (f == WeightsFormat.TorchSharp)
        {
            AtomicFile.Write(path, stream =>
            {
                using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
                Network.save(writer);
            });
            return;
        }
        var tensors = StateDict.Capture(Network);
        try
        {
            AtomicFile.Write(path, stream =>
            {
                if (f == WeightsFormat.Safetensors) Safetensors.Write(stream, tensors, new Dictionary<string, string> { ["format"] = "pt", ["model"] = Name });
                else PyTorchWeights.Write(stream, tensors);
            });
        }
        finally
        {
            foreach (var t in tensors) t.Value.Dispose();
        }
    }

    /// <summary>
    /// Loads weights into this model from a file written by <see cref="Save"/>, by PyTorch (<c>torch.save(model.state_dict())</c>,
    /// <c>.pt</c>/<c>.pth</c>) or as safetensors. Every tensor is checked first: when any is missing, unexpected or has the
    /// wrong shape, the error lists them all, names the file, and the model is left unchanged.
    /// </summary>
    /// <param name="path">The file; its extension picks the format as in <see cref="Save"/>.</param>
    /// <param name="format">The format, overriding the extension.</param>
    /// <param name="strict">When false, missing and unexpected tensors are ignored (e.g. to load a backbone into a model
    /// with a new head); tensors with the wrong shape are always an error. Safetensors and PyTorch files only.</param>
    /// <remarks>Loading never executes code from the file: safetensors holds data only, and PyTorch files are refused
    /// when their pickle names anything other than tensors, storages and ordered dicts.</remarks>
    public void Load(string path, WeightsFormat? format = null, bool strict = true)
    {
        Guard.NotEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"Weights file '{path}' does not exist.", path);
        var f = format ?? FormatOf(path);
        if (f == WeightsFormat.TorchSharp)
        {
            var backupStream = new MemoryStream();
            Network.save(backupStream); // TorchSharp closes the stream; ToArray still works on a closed MemoryStream
            byte[] backup = backupStream.ToArray();
            try
            {
                Network.load(path, strict: true);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                Network.load(new MemoryStream(backup), strict: true);
                throw new InvalidDataException($"Could not load weights from '{path}' into model '{Name}': {e.Message}", e);
            }
            return;
        }
        var tensors = f == WeightsFormat.Safetensors ? Safetensors.Read(File.ReadAllBytes(path), path) : PyTorchWeights.Read(path);
        try
        {
            StateDict.Apply(Network, tensors, path, Name, strict);
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    private static WeightsFormat FormatOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".safetensors" => WeightsFormat.Safetensors,
        ".pt" or ".pth" => WeightsFormat.PyTorch,
        _ => WeightsFormat.TorchSharp,
    };

    /// <summary>Moves the weights (and the optimizer's state, by recompiling when needed) to <paramref name="device"/>.</summary>
    public Model To(Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        var resolved = device.Resolve();
        if (resolved.Equals(Device)) return this;
        Network.to(resolved.ToTorch());
        Device = resolved;
        if (_optimizerConfig is not null && Loss is not null) Compile(_optimizerConfig, Loss, Metrics.ToArray());
        return this;
    }

    internal void CheckInput(Tensor inputs, string method)
    {
        var expected = InputShape.WithBatch(inputs.shape.Length > 0 ? inputs.shape[0] : 0);
        if (!inputs.shape.SequenceEqual(expected))
        {
            throw new ArgumentException(
                $"{method} received inputs of shape [{string.Join(", ", inputs.shape)}]; model '{Name}' expects [batch, {string.Join(", ", InputShape.ToArray())}] (NCHW).");
        }
    }

    private void RequireCompiled(string method)
    {
        if (_optimizer is null || Loss is null)
            throw new InvalidOperationException($"Model '{Name}' must be compiled before {method}: call model.Compile(optimizer, loss, metrics) first.");
    }

    /// <summary>Disposes the weights and the optimizer.</summary>
    public void Dispose()
    {
        _optimizer?.Dispose();
        Network.Dispose();
    }
}
