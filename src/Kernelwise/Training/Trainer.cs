using System.Diagnostics;
using Kernelwise.Callbacks;
using Kernelwise.Data;
using Kernelwise.Metrics;
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
    public static History Fit(Model model, Dataset train, int epochs, int batchSize, Dataset? validation, bool shuffle, int? seed,
        IEnumerable<Callback>? callbacks, int verbose, int initialEpoch, CancellationToken cancellationToken)
    {
        var optimizer = model.Optimizer!;
        var loss = model.Loss!;
        var metrics = model.Metrics.Select(m => m.Clone()).ToList();
        var list = callbacks?.ToList() ?? new List<Callback>();
        if (verbose > 0 && !list.OfType<ProgressBar>().Any()) list.Add(new ProgressBar());
        if (seed is int s) torch.manual_seed(s);
        var loader = new DataLoader(train, batchSize, shuffle, dropLast: false, seed: seed, pinMemory: model.Device.IsCuda) { Epoch = initialEpoch };
        var parameters = new TrainingParameters(epochs, loader.BatchCount, verbose, initialEpoch);
        foreach (var c in list)
        {
            c.Model = model;
            c.Params = parameters;
        }
        var device = model.Device.ToTorch();
        bool nonBlocking = model.Device.IsCuda;
        model.StopTraining = false;
        var trainLogs = new Dictionary<string, double>();
        foreach (var c in list) c.OnTrainBegin(trainLogs);
        var epochLogs = new Dictionary<string, double>();
        try
        {
            for (int epoch = initialEpoch; epoch < epochs && !model.StopTraining && !cancellationToken.IsCancellationRequested; epoch++)
            {
                epochLogs = new Dictionary<string, double>();
                foreach (var c in list) c.OnEpochBegin(epoch, epochLogs);
                model.Network.train();
                foreach (var m in metrics) m.Reset();
                double lossSum = 0;
                long seen = 0;
                int step = 0;
                foreach (var batch in loader)
                {
                    using (batch)
                    {
                        var batchLogs = new Dictionary<string, double>();
                        foreach (var c in list) c.OnTrainBatchBegin(step, batchLogs);
                        using (var scope = NewDisposeScope())
                        {
                            model.CheckInput(batch.Inputs, "Fit");
                            var x = batch.Inputs.device == device ? batch.Inputs : batch.Inputs.to(device, nonBlocking);
                            var y = batch.Targets.device == device ? batch.Targets : batch.Targets.to(device, nonBlocking);
                            optimizer.zero_grad();
                            var output = model.Network.forward(x);
                            var l = loss.Compute(output, y);
                            l.backward();
                            optimizer.step();
                            double value = l.item<float>();
                            long n = batch.Size;
                            lossSum += value * n;
                            seen += n;
                            using (no_grad())
                            {
                                foreach (var m in metrics) m.Update(output, y);
                            }
                        }
                        batchLogs["loss"] = lossSum / seen;
                        foreach (var m in metrics) batchLogs[m.Name] = m.Result();
                        foreach (var c in list) c.OnTrainBatchEnd(step, batchLogs);
                    }
                    step++;
                    if (cancellationToken.IsCancellationRequested) break;
                }
                epochLogs["loss"] = seen == 0 ? double.NaN : lossSum / seen;
                foreach (var m in metrics) epochLogs[m.Name] = m.Result();
                if (validation is not null)
                {
                    foreach (var (k, v) in Evaluate(model, validation, Math.Max(batchSize, 256), list, prefix: "val_")) epochLogs[k] = v;
                }
                if (optimizer.ParamGroups.FirstOrDefault() is { } group) epochLogs["lr"] = group.LearningRate;
                foreach (var c in list) c.OnEpochEnd(epoch, epochLogs);
                model.History.Record(epoch, epochLogs);
            }
        }
        finally
        {
            foreach (var c in list) c.OnTrainEnd(epochLogs);
        }
        return model.History;
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
            model.Network.train(wasTraining);
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
            model.Network.train(wasTraining);
        }
    }
}
