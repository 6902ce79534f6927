using Kernelwise.Data;
using Kernelwise.Formats;
using TorchSharp;
using static TorchSharp.torch;

namespace Kernelwise.Training;

// Trainer, continued: Fit, Evaluate, Predict, the confusion matrix and the learning-rate finder, each running the engine's loops over the three steps.
public abstract partial class Trainer
{
    /// <summary>
    /// Trains for <paramref name="epochs"/> epochs and returns the history (keys <c>loss</c>, each metric, <c>lr</c>, and
    /// with validation data <c>val_loss</c> and <c>val_</c>-prefixed metrics; <see cref="History.Outcome"/> says how it ended).
    /// </summary>
    /// <param name="x">Training samples.</param>
    /// <param name="epochs">Index of the last epoch plus one (as Keras: with <paramref name="initialEpoch"/> k, trains epochs k … epochs − 1).</param>
    /// <param name="batchSize">Samples per step (per process in a data-parallel run).</param>
    /// <param name="validationData">Samples evaluated after every epoch.</param>
    /// <param name="validationSplit">Fraction of <paramref name="x"/> held out for validation: the last samples, taken
    /// before any shuffling (as Keras); they keep the dataset's transforms and loader settings. Not allowed together with <paramref name="validationData"/>.</param>
    /// <param name="validationBatchSize">Samples per validation step; <paramref name="batchSize"/> when null (Keras's default).</param>
    /// <param name="shuffle">Reshuffle the training samples every epoch.</param>
    /// <param name="seed">Seeds the shuffle order, the augmentation and libtorch's generator (dropout): with the same seed
    /// (and weights built after the same <c>torch.manual_seed</c>), a CPU run is bit-identical. In a data-parallel run
    /// every process uses rank 0's shuffle order, and each process other than rank 0 mixes its rank into libtorch's
    /// generator, so dropout masks differ between processes.</param>
    /// <param name="callbacks">Hooks called during training.</param>
    /// <param name="verbose">0 silent, 1 progress bar (one line per epoch when output is redirected), 2 one line per epoch.</param>
    /// <param name="initialEpoch">Epoch index to start from (to continue training).</param>
    /// <param name="classWeight">Weight per class index; each sample's loss is multiplied by its class's weight
    /// (Keras: <c>Σ wᵢ·lᵢ / N</c>), classes not listed weigh 1. Needs class-index targets and a loss that implements
    /// <see cref="Kernelwise.Loss.ComputePerSample"/>. Validation losses are not weighted.</param>
    /// <param name="stepsPerEpoch">Batches per epoch (at most one pass over the data); the rest of each epoch's shuffled order is skipped.</param>
    /// <param name="resumeFrom">A training checkpoint (<see cref="TrainingCheckpoint"/>) to resume from: weights, optimizer
    /// and callback state, epoch and batch, random state, data order and history are restored, and training continues
    /// where it stopped. <paramref name="initialEpoch"/> is then ignored.</param>
    /// <param name="strategy">How to spread training over processes; null trains in this process alone. With
    /// <c>new DataParallel()</c> (the Distributed namespace), every process started by <c>mpirun</c> trains its part of
    /// each batch of one shared model (and without <c>mpirun</c> it is an ordinary single-process run); see
    /// docs/distributed.md.</param>
    /// <param name="cancellationToken">Stops training after the current step (or accumulation window); callbacks get
    /// <see cref="Callback.OnInterrupt"/>, so <see cref="SaveOnInterrupt"/> can save a checkpoint.</param>
    public History Fit(Dataset x, int epochs = 1, int batchSize = 32, Dataset? validationData = null, double validationSplit = 0,
        int? validationBatchSize = null, bool shuffle = true, int? seed = null, IEnumerable<Callback>? callbacks = null, int verbose = 1,
        int initialEpoch = 0, IReadOnlyDictionary<int, double>? classWeight = null, int? stepsPerEpoch = null, string? resumeFrom = null,
        DistributionStrategy? strategy = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(x);
        Guard.Positive(epochs);
        Guard.Positive(batchSize);
        Guard.NonNegative(initialEpoch);
        Guard.InRange(validationSplit, 0, 1, maxInclusive: false);
        if (validationBatchSize is int vbs) Guard.Positive(vbs, nameof(validationBatchSize));
        if (stepsPerEpoch is int spe) Guard.Positive(spe, nameof(stepsPerEpoch));
        if (verbose is < 0 or > 2) throw new ArgumentOutOfRangeException(nameof(verbose), $"Invalid value for argument verbose. Expected 0, 1 or 2. Received verbose={verbose}.");
        if (resumeFrom is null && initialEpoch >= epochs)
            throw new ArgumentException($"Invalid value for argument initialEpoch. Expected a value below epochs={epochs}. Received initialEpoch={initialEpoch}.", nameof(initialEpoch));
        if (validationData is not null && validationSplit > 0)
            throw new ArgumentException($"Invalid arguments validationData and validationSplit. Expected one of them, not both. Received validationSplit={validationSplit} with validationData.", nameof(validationSplit));
        if (classWeight is not null)
        {
            if (OutputNames.Count != 1) throw new ArgumentException($"classWeight applies to models with one output; model '{Name}' has {OutputNames.Count}.", nameof(classWeight));
            foreach (var (c, w) in classWeight)
            {
                if (c < 0 || !(w >= 0) || double.IsInfinity(w))
                    throw new ArgumentException($"Invalid value for argument classWeight. Expected class indices of 0 or more with finite weights of 0 or more. Received classWeight[{c}]={w}.", nameof(classWeight));
            }
        }
        RequireCompiled(nameof(Fit));
        var list = new CallbackList(callbacks ?? Array.Empty<Callback>());
        var options = new Engine.FitOptions(x, epochs, batchSize, validationData, validationSplit, validationBatchSize ?? batchSize,
            shuffle, seed, list, verbose, initialEpoch, stepsPerEpoch, classWeight, resumeFrom, strategy ?? DistributionStrategy.SingleProcess, cancellationToken);
        return options.Strategy.Run(() => Engine.FitLoop.Run(this, options));
    }

    /// <summary>Loss and metrics over <paramref name="data"/> in inference mode (dropout off, batch-norm running statistics).</summary>
    public Logs Evaluate(Dataset data, int batchSize = 32, IEnumerable<Callback>? callbacks = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        Guard.Positive(batchSize);
        RequireCompiled(nameof(Evaluate));
        var list = new CallbackList(callbacks ?? Array.Empty<Callback>());
        list.Attach(this, null, null);
        return Engine.EvaluationLoop.Evaluate(this, data, batchSize, list, prefix: "", method: "Evaluate");
    }

    /// <summary>The outputs (logits for a classifier) for every sample, on the CPU, [N, ...]: a model with one output. The caller owns the tensor.</summary>
    public Tensor Predict(Dataset data, int batchSize = 32) => Single(PredictOutputs(data, batchSize), "Predict");

    /// <summary>The outputs for <paramref name="inputs"/> [N, ...] (one input, one output), on the CPU; the caller owns the tensor.</summary>
    public Tensor Predict(Tensor inputs, int batchSize = 32)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return Single(PredictOutputs(new[] { inputs }, batchSize), "Predict");
    }

    /// <summary>Every output for every sample of <paramref name="data"/>, on the CPU, one tensor per output; the caller owns them.</summary>
    public Tensor[] PredictOutputs(Dataset data, int batchSize = 32, IEnumerable<Callback>? callbacks = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        Guard.Positive(batchSize);
        var list = new CallbackList(callbacks ?? Array.Empty<Callback>());
        list.Attach(this, null, null);
        return Engine.EvaluationLoop.Predict(this, Engine.DataPipeline.Loader(this, data, batchSize), data.Count, list);
    }

    /// <summary>Every output for <paramref name="inputs"/> (one tensor per model input, [N, ...] each), on the CPU; the caller owns them.</summary>
    public Tensor[] PredictOutputs(IReadOnlyList<Tensor> inputs, int batchSize = 32)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        Guard.Positive(batchSize);
        CheckInputs(inputs, "Predict");
        long n = inputs[0].shape[0];
        IEnumerable<Batch> Batches()
        {
            for (long start = 0; start < n; start += batchSize)
            {
                long size = Math.Min(batchSize, n - start);
                yield return new Batch(inputs.Select(t => t.narrow(0, start, size)).ToArray(), Array.Empty<Tensor>());
            }
        }
        return Engine.EvaluationLoop.Predict(this, Batches(), n, new CallbackList(Array.Empty<Callback>()));
    }

    private Tensor Single(Tensor[] outputs, string method)
    {
        if (outputs.Length == 1) return outputs[0];
        foreach (var o in outputs) o.Dispose();
        throw new InvalidOperationException($"Model '{Name}' has {outputs.Length} outputs ({string.Join(", ", OutputNames)}); use {method}Outputs, which returns one tensor per output.");
    }

    /// <summary>
    /// The confusion matrix of the predictions on <paramref name="data"/> (inference mode), counted exactly over every
    /// sample: rows are the actual classes, columns the predicted ones. Class names are taken from a
    /// <see cref="TensorDataset"/> that has them.
    /// </summary>
    /// <param name="data">Samples with class-index targets.</param>
    /// <param name="batchSize">Samples per step.</param>
    /// <param name="output">Which output to score (models with several).</param>
    public ConfusionMatrix ConfusionMatrix(Dataset data, int batchSize = 32, int output = 0)
    {
        ArgumentNullException.ThrowIfNull(data);
        Guard.Positive(batchSize);
        if (output < 0 || output >= OutputShapes.Count)
            throw new ArgumentOutOfRangeException(nameof(output), output, $"Model '{Name}' has {OutputShapes.Count} output(s).");
        var shape = OutputShapes[output];
        int classes = shape.Rank == 1 && shape[0] >= 2 ? shape[0] : 2;
        var names = (data as TensorDataset)?.ClassNames;
        var matrix = new ConfusionMatrix(classes, names is not null && names.Count == classes ? names : null);
        Engine.EvaluationLoop.Score(this, data, batchSize, output, matrix);
        return matrix;
    }

    /// <summary>
    /// A learning-rate range test (fastai's <c>lr_find</c>): trains with <see cref="Fit"/>'s own step on batches of
    /// <paramref name="train"/> while the rate grows exponentially from <paramref name="startRate"/> to
    /// <paramref name="endRate"/> over at most <paramref name="steps"/> batches (stopping early when the loss diverges),
    /// then restores the weights, the batch-norm statistics, the optimizer's state and rates, the random generator and
    /// the history — the model is exactly as before.
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
}
