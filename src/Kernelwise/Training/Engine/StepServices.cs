using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Kernelwise.Training.Engine;

/// <summary>
/// What the engine provides to the steps of one loop: the compiled objective with class weights, backward with
/// gradient accumulation, the update (gradient averaging across processes, clipping, optimizer step), and the
/// running loss and metrics, kept on the device.
/// </summary>
internal sealed class StepServices : IDisposable
{
    private readonly Tensor? _classWeights;
    private readonly List<Parameter> _trainable;
    private int _windowSize = 1;
    private bool _windowEnd = true;

    public StepServices(Trainer model, bool training, IReadOnlyDictionary<int, double>? classWeight, DistributionStrategy strategy)
    {
        Model = model;
        Training = training;
        Strategy = strategy;
        Metrics = model.OutputMetrics.Select(ms => (IReadOnlyList<Metric>)ms.Select(m => m.Clone()).ToArray()).ToArray();
        Tracker = new LossTracker(model.Device.ToTorch(), model.OutputNames.Count > 1 ? model.OutputNames.Count : 0);
        _trainable = training ? model.Network.parameters().Where(p => p.requires_grad).ToList() : new List<Parameter>();
        if (classWeight is not null && training) _classWeights = ClassWeightTensor(classWeight, model);
    }

    public Trainer Model { get; }

    public bool Training { get; }

    public DistributionStrategy Strategy { get; }

    /// <summary>Running metrics, one list per output.</summary>
    public IReadOnlyList<IReadOnlyList<Metric>> Metrics { get; }

    public LossTracker Tracker { get; }

    /// <summary>Number of accumulation windows stepped so far.</summary>
    public long Updates { get; private set; }

    /// <summary>Sets the accumulation window of training step <paramref name="step"/> of an epoch of <paramref name="steps"/>.</summary>
    public void BeginStep(int step, long steps)
    {
        int accumulation = Model.Optimizer!.GradientAccumulationSteps;
        int windowStart = step - step % accumulation;
        _windowSize = (int)Math.Min(accumulation, steps - windowStart);
        _windowEnd = step == windowStart + _windowSize - 1;
    }

    /// <summary>Whether the current step ends its accumulation window (interruptions wait for it).</summary>
    public bool AtWindowEnd => _windowEnd;

    public Tensor ComputeLoss(StepContext step, IReadOnlyList<Tensor> outputs)
    {
        bool several = Model.OutputNames.Count > 1;
        return Model.ComputeLoss(outputs, step.Targets, step.IsTraining ? _classWeights : null,
            several ? (i, term) => Tracker.AddComponent(i, term, step.BatchSize) : null);
    }

    public void Backward(Tensor loss)
    {
        var l = _windowSize == 1 ? loss : loss / _windowSize;
        if (Model.LossScaler is { } scaler && Model.PrecisionPolicy.ScalesLoss) l = scaler.ScaleLoss(l);
        l.backward();
    }

    public bool ApplyGradients(StepContext step) => ApplyGradients(step.BatchSize);

    /// <summary>
    /// The update of a data-parallel process whose part of the step's global batch is empty (the last, short batch):
    /// it has no samples to train on, but joins the averaging and applies the same update as the others.
    /// </summary>
    public bool ApplyGradientsWithoutSamples() => ApplyGradients(0);

    private bool ApplyGradients(long samples)
    {
        if (!_windowEnd) return false;
        var config = Model.Optimizer!;
        if (Strategy.WorldSize > 1) Strategy.AverageGradients(_trainable, samples);
        var optimizer = Model.TorchOptimizer!;
        if (Model.LossScaler is { } scaler && Model.PrecisionPolicy.ScalesLoss)
        {
            // Unscale before clipping; a step with an infinity or NaN among the gradients is skipped (float16 overflow).
            // After the average across processes every process holds the same gradients, so all skip alike.
            var grads = _trainable.Select(p => p.grad).Where(g => g is not null).Select(g => g!).ToList();
            if (!scaler.UnscaleAndCheck(grads))
            {
                optimizer.zero_grad();
                return false;
            }
        }
        if (config.ClipValue is double clipValue) nn.utils.clip_grad_value_(_trainable, clipValue);
        if (config.ClipNorm is double clipNorm) nn.utils.clip_grad_norm_(_trainable, clipNorm);
        optimizer.step();
        optimizer.zero_grad();
        Updates++;
        return true;
    }

    public void Record(StepContext step, Tensor loss, IReadOnlyList<Tensor> outputs)
    {
        Tracker.Add(loss, step.BatchSize);
        using (no_grad())
        {
            for (int o = 0; o < Metrics.Count && o < outputs.Count; o++)
            {
                foreach (var m in Metrics[o]) m.Update(outputs[o], step.Targets[o]);
            }
        }
    }

    /// <summary>The running figures as logs whose values are read from the device only when asked for.</summary>
    public Logs LazyLogs(string prefix = "")
    {
        var logs = new Logs();
        logs.SetLazy(prefix + "loss", () => Tracker.Mean);
        AddMetricEntries(logs, prefix, lazy: true);
        return logs;
    }

    /// <summary>The figures of the finished pass, read once.</summary>
    public Logs FinalLogs(string prefix = "")
    {
        var logs = new Logs { [prefix + "loss"] = Tracker.Mean };
        AddMetricEntries(logs, prefix, lazy: false);
        return logs;
    }

    private void AddMetricEntries(Logs logs, string prefix, bool lazy)
    {
        int outputs = Model.OutputNames.Count;
        if (outputs > 1)
        {
            for (int o = 0; o < outputs; o++)
            {
                if (Model.Losses[o] is null) continue;
                int index = o;
                string key = prefix + Model.OutputNames[o] + "_loss";
                if (lazy) logs.SetLazy(key, () => Tracker.ComponentMean(index));
                else logs[key] = Tracker.ComponentMean(index);
            }
        }
        for (int o = 0; o < Metrics.Count; o++)
        {
            foreach (var m in Metrics[o])
            {
                string key = prefix + Model.MetricKey(o, m.Name);
                var metric = m;
                if (lazy) logs.SetLazy(key, metric.Result);
                else logs[key] = metric.Result();
            }
        }
    }

    /// <summary>Resets the running figures (start of an epoch or evaluation).</summary>
    public void Reset()
    {
        Tracker.Reset();
        foreach (var ms in Metrics)
            foreach (var m in ms) m.Reset();
    }

    /// <summary>Sums the running figures of every process (data-parallel), so each process reports the global epoch.</summary>
    public void SumAcrossProcesses()
    {
        if (Strategy.WorldSize == 1) return;
        var metrics = Metrics.SelectMany(ms => ms).ToList();
        var states = metrics.Select(m => m.GetState()).ToList();
        var lengths = AgreeOnStateLengths(metrics, states);
        var components = Tracker.ComponentSumValues();
        var values = new List<double> { Tracker.Sum, Tracker.Seen };
        values.AddRange(components);
        for (int k = 0; k < states.Count; k++)
        {
            // A process that saw no samples may have an empty state (a confusion matrix is sized by its first batch): zeros add nothing.
            if (lengths[k] > 0) values.AddRange(states[k] is { Length: > 0 } s ? s : new double[lengths[k]]);
        }
        var array = values.ToArray();
        Strategy.SumAcrossProcesses(array);
        Tracker.Restore(array[0], (long)array[1], array.Skip(2).Take(components.Length).ToArray());
        int offset = 2 + components.Length;
        for (int k = 0; k < metrics.Count; k++)
        {
            if (lengths[k] <= 0) continue;
            metrics[k].SetState(array.Skip(offset).Take(lengths[k]).ToArray());
            offset += lengths[k];
        }
    }

    /// <summary>
    /// The length of each metric's state in every process: the common non-zero length, 0 when every process's state
    /// is empty, −1 when some process has none (a metric that cannot be summed reports each process's own value).
    /// </summary>
    private int[] AgreeOnStateLengths(IReadOnlyList<Metric> metrics, IReadOnlyList<double[]?> states)
    {
        int count = states.Count;
        if (count == 0) return Array.Empty<int>();
        var rows = ProcessAgreement.Gather(Strategy, states.Select(s => (double)(s?.Length ?? -1)).ToArray());
        var lengths = new int[count];
        for (int k = 0; k < count; k++)
        {
            var seen = rows.Select(row => (int)row[k]).ToArray();
            if (seen.Any(l => l < 0))
            {
                lengths[k] = -1;
                continue;
            }
            var sizes = seen.Where(l => l > 0).Distinct().ToArray();
            if (sizes.Length > 1)
            {
                throw new InvalidOperationException(
                    $"Metric '{metrics[k].Name}' cannot be summed across ranks: its state has {string.Join(", ", seen.Select((l, r) => $"{l} values on rank {r}"))}. " +
                    "Every rank must see predictions of the same shape (the same number of classes).");
            }
            lengths[k] = sizes.Length == 0 ? 0 : sizes[0];
        }
        return lengths;
    }

    private static Tensor ClassWeightTensor(IReadOnlyDictionary<int, double> classWeight, Trainer model)
    {
        int classes = (int)Math.Max(model.OutputShape.Elements, classWeight.Keys.Max() + 1);
        var w = Enumerable.Repeat(1f, classes).ToArray();
        foreach (var (c, v) in classWeight) w[c] = (float)v;
        return tensor(w, device: model.Device.ToTorch()).DetachFromDisposeScope();
    }

    public void Dispose()
    {
        _classWeights?.Dispose();
        Tracker.Dispose();
        // The metrics are this loop's copies: release the counts they keep on the device.
        foreach (var ms in Metrics)
            foreach (var m in ms) m.Reset();
    }
}
