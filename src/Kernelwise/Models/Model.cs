using Kernelwise.Callbacks;
using Kernelwise.Data;
using Kernelwise.Layers;
using Kernelwise.Losses;
using Kernelwise.Metrics;
using Kernelwise.Training;
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
    private Optimizers.Optimizer? _optimizerConfig;

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
    public Optimizers.Optimizer? OptimizerConfig => _optimizerConfig;

    /// <summary>Per-epoch results of every <see cref="Fit"/> call so far.</summary>
    public History History { get; } = new();

    /// <summary>Set by a callback to end training after the current epoch (Keras's <c>model.stop_training</c>).</summary>
    public bool StopTraining { get; set; }

    /// <summary>The summary (shapes, parameters, MACs, receptive fields), computed by arithmetic.</summary>
    public ModelSummary Summary() => SummaryData;

    /// <summary>
    /// Sets the optimizer, loss and metrics. Creates a fresh TorchSharp optimizer over the trainable parameters,
    /// so compiling again resets the optimizer's state (as in Keras).
    /// </summary>
    /// <returns>The same model, so calls can be chained.</returns>
    public Model Compile(Optimizers.Optimizer optimizer, Loss loss, params Metric[] metrics)
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
        _optimizer = optimizer.Create(Network.parameters().Where(p => p.requires_grad));
        Loss = loss;
        Metrics = metrics.ToArray();
        return this;
    }

    /// <summary>
    /// Trains for <paramref name="epochs"/> epochs and returns the history (keys <c>loss</c>, each metric, and with
    /// validation data <c>val_loss</c> and <c>val_</c>-prefixed metrics).
    /// </summary>
    /// <param name="train">Training samples.</param>
    /// <param name="epochs">Index of the last epoch plus one (as Keras: with <paramref name="initialEpoch"/> k, trains epochs k … epochs − 1).</param>
    /// <param name="batchSize">Samples per step.</param>
    /// <param name="validationData">Samples evaluated after every epoch.</param>
    /// <param name="shuffle">Reshuffle the training samples every epoch.</param>
    /// <param name="seed">Seeds the shuffle order and libtorch's generator (dropout), for a reproducible run.</param>
    /// <param name="callbacks">Hooks called during training.</param>
    /// <param name="verbose">0 silent, 1 progress bar (one line per epoch when output is redirected), 2 one line per epoch.</param>
    /// <param name="initialEpoch">Epoch index to start from (to resume training).</param>
    /// <param name="cancellationToken">Stops training after the current step.</param>
    public History Fit(Dataset train, int epochs = 1, int batchSize = 32, Dataset? validationData = null, bool shuffle = true,
        int? seed = null, IEnumerable<Callback>? callbacks = null, int verbose = 1, int initialEpoch = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        Guard.Positive(epochs);
        Guard.Positive(batchSize);
        Guard.NonNegative(initialEpoch);
        if (verbose is < 0 or > 2) throw new ArgumentOutOfRangeException(nameof(verbose), $"Invalid value for argument verbose. Expected 0, 1 or 2. Received verbose={verbose}.");
        if (initialEpoch >= epochs)
            throw new ArgumentException($"Invalid value for argument initialEpoch. Expected a value below epochs={epochs}. Received initialEpoch={initialEpoch}.", nameof(initialEpoch));
        RequireCompiled(nameof(Fit));
        return Trainer.Fit(this, train, epochs, batchSize, validationData, shuffle, seed, callbacks, verbose, initialEpoch, cancellationToken);
    }

    /// <summary>Loss and metrics over <paramref name="data"/> in evaluation mode (dropout off, batch-norm running statistics).</summary>
    public IReadOnlyDictionary<string, double> Evaluate(Dataset data, int batchSize = 256, IEnumerable<Callback>? callbacks = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        Guard.Positive(batchSize);
        RequireCompiled(nameof(Evaluate));
        return Trainer.Evaluate(this, data, batchSize, callbacks?.ToList() ?? new List<Callback>(), prefix: "");
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

    /// <summary>Class probabilities (softmax over the outputs) for every sample; the caller owns the tensor.</summary>
    public Tensor PredictProbabilities(Dataset data, int batchSize = 256)
    {
        using var logits = Predict(data, batchSize);
        return nn.functional.softmax(logits, 1);
    }

    /// <summary>Class probabilities (softmax over the outputs) for <paramref name="inputs"/>; the caller owns the tensor.</summary>
    public Tensor PredictProbabilities(Tensor inputs, int batchSize = 256)
    {
        using var logits = Predict(inputs, batchSize);
        return nn.functional.softmax(logits, 1);
    }

    /// <summary>
    /// Writes the weights and buffers (batch-norm statistics) in TorchSharp's format, atomically: to a temporary file
    /// in the same folder, flushed to disk, then renamed over <paramref name="path"/> — a crash never leaves a partial file.
    /// </summary>
    public void Save(string path)
    {
        Guard.NotEmpty(path);
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        var tmp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write))
            {
                using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true)) Network.save(writer);
                stream.Flush(flushToDisk: true);
            }
            File.Move(tmp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }

    /// <summary>
    /// Loads weights written by <see cref="Save"/> into this model. Every tensor must be present with the right shape;
    /// otherwise the error names the file and the problem, and the model is left unchanged.
    /// </summary>
    public void Load(string path)
    {
        Guard.NotEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"Weights file '{path}' does not exist.", path);
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
    }

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
