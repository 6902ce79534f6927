using System.Diagnostics;
using Kernelwise.Data;
using Kernelwise.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Kernelwise.Training;

/// <summary>
/// The training, evaluation and prediction loops behind <see cref="Model"/>. Each step runs in its own dispose scope
/// and disposes its batch, so no tensor outlives the step that made it.
/// </summary>
internal static class Trainer
{
    public static History Fit(Model model, FitOptions o)
    {
        var optimizer = model.Optimizer!;
        var config = model.OptimizerConfig!;
        var loss = model.Loss!;
        var metrics = model.Metrics.Select(m => m.Clone()).ToList();
        var callbacks = o.Callbacks.ToList();
        if (o.Verbose > 0 && !callbacks.OfType<ProgressBar>().Any()) callbacks.Add(new ProgressBar());

        var (train, validation) = SplitValidation(o);
        if (o.Seed is int s) torch.manual_seed(s);
        var resume = o.ResumeFrom is null ? null : TrainingCheckpoint.Read(o.ResumeFrom);
        int loaderSeed = resume?.LoaderSeed ?? o.Seed ?? Random.Shared.Next();
        int initialEpoch = resume?.Epoch ?? o.InitialEpoch;
        var loader = new DataLoader(train, o.BatchSize, o.Shuffle, dropLast: false, seed: loaderSeed, pinMemory: model.Device.IsCuda) { Epoch = initialEpoch };
        long steps = loader.BatchCount;
        if (o.StepsPerEpoch is int limit)
        {
            if (limit > steps)
                throw new ArgumentException($"Invalid value for argument stepsPerEpoch. Expected at most {steps}, the number of batches of {o.BatchSize} in the {train.Count} training samples. Received stepsPerEpoch={limit}.", "stepsPerEpoch");
            steps = limit;
        }
        if (initialEpoch >= o.Epochs)
            throw new ArgumentException($"Nothing to train: training starts at epoch {initialEpoch}{(resume is null ? "" : $" (resumed from '{o.ResumeFrom}')")} but epochs={o.Epochs}. Pass a larger epochs.", "epochs");

        if (resume is { BatchesDone: > 0 } && resume.BatchSize != o.BatchSize)
            throw new ArgumentException($"Checkpoint '{o.ResumeFrom}' was taken in the middle of an epoch with batchSize={resume.BatchSize}; resume it with the same batch size. Received batchSize={o.BatchSize}.", "batchSize");
        var session = new TrainingSession(model, loaderSeed, o.BatchSize, metrics, callbacks) { Epoch = initialEpoch };
        var parameters = new TrainingParameters(o.Epochs, steps, o.Verbose, initialEpoch);
        foreach (var c in callbacks)
        {
            c.Model = model;
            c.Params = parameters;
            c.Session = session;
        }
        resume?.Restore(session);

        var device = model.Device.ToTorch();
        bool nonBlocking = model.Device.IsCuda;
        var trainable = model.Network.parameters().Where(p => p.requires_grad).ToList();
        using var classWeights = o.ClassWeight is null ? null : ClassWeightTensor(o.ClassWeight, model, device);
        int accumulation = config.GradientAccumulationSteps;

        model.StopTraining = false;
        var trainLogs = new Dictionary<string, double>();
        foreach (var c in callbacks) c.OnTrainBegin(trainLogs);
        var epochLogs = new Dictionary<string, double>();
        try
        {
            for (int epoch = initialEpoch; epoch < o.Epochs && !model.StopTraining; epoch++)
            {
                bool resumingMidEpoch = resume is { BatchesDone: > 0 } && epoch == initialEpoch;
                session.Epoch = epoch;
                session.EpochFinished = false;
                session.PendingLogs = null;
                if (!resumingMidEpoch)
                {
                    session.BatchesDone = 0;
                    session.LossSum = 0;
                    session.Seen = 0;
                    foreach (var m in metrics) m.Reset();
                }
                epochLogs = new Dictionary<string, double>();
                foreach (var c in callbacks) c.OnEpochBegin(epoch, epochLogs);
                model.TrainMode();
                bool interrupted = false;
                int step = 0;
                using (var batches = loader.GetEnumerator())
                {
                    if (resume is not null && epoch == initialEpoch)
                    {
                        // Skip the batches the interrupted run had finished, then restore the random generator, so
                        // that anything the skipped batches drew (augmentation) does not shift later draws.
                        for (; step < session.BatchesDone && batches.MoveNext(); step++) batches.Current.Dispose();
                        resume!.RestoreRandomState();
                    }
                    for (; step < steps && batches.MoveNext(); step++)
                    {
                        using var batch = batches.Current;
                        var batchLogs = new Dictionary<string, double>();
                        foreach (var c in callbacks) c.OnTrainBatchBegin(step, batchLogs);
                        int windowStart = step - step % accumulation;
                        int windowSize = (int)Math.Min(accumulation, steps - windowStart);
                        bool windowEnd = step == windowStart + windowSize - 1;
                        using (var scope = NewDisposeScope())
                        {
                            model.CheckInput(batch.Inputs, "Fit");
                            var x = batch.Inputs.device == device ? batch.Inputs : batch.Inputs.to(device, nonBlocking);
                            var y = batch.Targets.device == device ? batch.Targets : batch.Targets.to(device, nonBlocking);
                            if (step == windowStart) optimizer.zero_grad();
                            var output = model.Network.forward(x);
                            var l = classWeights is null ? loss.Compute(output, y) : WeightedLoss(loss, output, y, classWeights);
                            (windowSize == 1 ? l : l / windowSize).backward();
                            if (windowEnd)
                            {
                                if (config.ClipValue is double clipValue) nn.utils.clip_grad_value_(trainable, clipValue);
                                if (config.ClipNorm is double clipNorm) nn.utils.clip_grad_norm_(trainable, clipNorm);
                                optimizer.step();
                            }
                            double value = l.item<float>();
                            long n = batch.Size;
                            session.LossSum += value * n;
                            session.Seen += n;
                            using (no_grad())
                            {
                                foreach (var m in metrics) m.Update(output, y);
                            }
                        }
                        session.BatchesDone = step + 1;
                        batchLogs["loss"] = session.LossSum / session.Seen;
                        foreach (var m in metrics) batchLogs[m.Name] = m.Result();
                        foreach (var c in callbacks) c.OnTrainBatchEnd(step, batchLogs);
                        if (model.StopTraining) break;
                        if (windowEnd && step + 1 < steps && (o.CancellationToken.IsCancellationRequested || session.InterruptRequested))
                        {
                            interrupted = true;
                            break;
                        }
                    }
                }
                if (interrupted)
                {
                    var partial = new Dictionary<string, double> { ["loss"] = session.LossSum / session.Seen };
                    foreach (var m in metrics) partial[m.Name] = m.Result();
                    foreach (var c in callbacks) c.OnInterrupt(epoch, session.BatchesDone - 1, partial);
                    break;
                }
                epochLogs["loss"] = session.Seen == 0 ? double.NaN : session.LossSum / session.Seen;
                foreach (var m in metrics) epochLogs[m.Name] = m.Result();
                if (validation is not null)
                {
                    foreach (var (k, v) in Evaluate(model, validation, Math.Max(o.BatchSize, 256), callbacks, prefix: "val_")) epochLogs[k] = v;
                }
                if (optimizer.ParamGroups.FirstOrDefault() is { } group) epochLogs["lr"] = group.LearningRate;
                session.EpochFinished = true;
                session.PendingLogs = epochLogs;
                foreach (var c in callbacks) c.OnEpochEnd(epoch, epochLogs);
                model.History.Record(epoch, epochLogs);
                session.PendingLogs = null;
                foreach (var c in callbacks) c.OnEpochCommitted(epoch, epochLogs);
                if ((o.CancellationToken.IsCancellationRequested || session.InterruptRequested) && !model.StopTraining && epoch + 1 < o.Epochs)
                {
                    // Stopped at an epoch boundary: the checkpoint continues with the next epoch.
                    foreach (var c in callbacks) c.OnInterrupt(epoch, session.BatchesDone - 1, epochLogs);
                    break;
                }
            }
        }
        finally
        {
            foreach (var c in callbacks) c.OnTrainEnd(epochLogs);
            foreach (var c in callbacks) c.Session = null;
            resume?.Dispose();
        }
        return model.History;
    }

    private static (Dataset Train, Dataset? Validation) SplitValidation(FitOptions o)
    {
        if (o.Validation is not null || o.ValidationSplit == 0) return (o.Train, o.Validation);
        long count = o.Train.Count;
        long held = (long)Math.Floor(count * o.ValidationSplit);
        if (held < 1 || held >= count)
            throw new ArgumentException($"Invalid value for argument validationSplit. Expected a fraction that leaves at least one training and one validation sample out of {count}. Received validationSplit={o.ValidationSplit}.", "validationSplit");
        return (new DatasetSlice(o.Train, 0, count - held), new DatasetSlice(o.Train, count - held, held));
    }

    private static Tensor ClassWeightTensor(IReadOnlyDictionary<int, double> classWeight, Model model, torch.Device device)
    {
        int classes = (int)Math.Max(model.OutputShape.Elements, classWeight.Keys.Max() + 1);
        var w = Enumerable.Repeat(1f, classes).ToArray();
        foreach (var (c, v) in classWeight) w[c] = (float)v;
        return tensor(w, device: device).DetachFromDisposeScope();
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

    public static IReadOnlyDictionary<string, double> Evaluate(Model model, Dataset data, int batchSize, List<Callback> callbacks, string prefix)
    {
        var loss = model.Loss!;
        var metrics = model.Metrics.Select(m => m.Clone()).ToList();
        var device = model.Device.ToTorch();
        bool wasTraining = model.Network.training;
        var logs = new Dictionary<string, double>();
        foreach (var c in callbacks) c.OnTestBegin(logs);
        model.Network.eval();
        double lossSum = 0;
        long seen = 0;
        int step = 0;
        try
        {
            using var _ = no_grad();
            foreach (var batch in new DataLoader(data, batchSize))
            {
                using (batch)
                using (var scope = NewDisposeScope())
                {
                    model.CheckInput(batch.Inputs, prefix.Length > 0 ? "Fit (validation)" : "Evaluate");
                    var x = batch.Inputs.to(device);
                    var y = batch.Targets.to(device);
                    var output = model.Network.forward(x);
                    var l = loss.Compute(output, y);
                    lossSum += l.item<float>() * batch.Size;
                    seen += batch.Size;
                    foreach (var m in metrics) m.Update(output, y);
                }
                foreach (var c in callbacks) c.OnTestBatchEnd(step++, logs);
            }
        }
        finally
        {
            if (wasTraining) model.TrainMode();
        }
        var result = new Dictionary<string, double> { [prefix + "loss"] = lossSum / seen };
        foreach (var m in metrics) result[prefix + m.Name] = m.Result();
        foreach (var c in callbacks) c.OnTestEnd(result);
        return result;
    }

    public static Tensor Predict(Model model, IEnumerable<Batch> batches, long count)
    {
        var device = model.Device.ToTorch();
        bool wasTraining = model.Network.training;
        model.Network.eval();
        var outputs = new List<Tensor>();
        try
        {
            using var _ = no_grad();
            foreach (var batch in batches)
            {
                using (batch)
                using (var scope = NewDisposeScope())
                {
                    model.CheckInput(batch.Inputs, "Predict");
                    var output = model.Network.forward(batch.Inputs.to(device)).cpu();
                    outputs.Add(output.DetachFromDisposeScope());
                }
            }
            Debug.Assert(outputs.Sum(o => o.shape[0]) == count);
            return cat(outputs, 0);
        }
        finally
        {
            foreach (var o in outputs) o.Dispose();
            if (wasTraining) model.TrainMode();
        }
    }
}
