using Kernelwise.Data;
using static TorchSharp.torch;

namespace Kernelwise.Training.Engine;

/// <summary>
/// The inference loops: <see cref="Trainer.Evaluate"/> (and <c>Fit</c>'s validation pass) over
/// <see cref="Trainer.TestStep"/>, <see cref="Trainer.Predict(Dataset, int)"/> over <see cref="Trainer.PredictStep"/>,
/// and the confusion matrix — all in inference mode with gradients off, each step in its own dispose scope.
/// </summary>
internal static class EvaluationLoop
{
    public static Logs Evaluate(Trainer model, Dataset data, int batchSize, CallbackList callbacks, string prefix, string method,
        DistributionStrategy? strategy = null)
    {
        strategy ??= DistributionStrategy.SingleProcess;
        var device = model.Device.ToTorch();
        bool nonBlocking = model.Device.IsCuda;
        using var services = new StepServices(model, training: false, null, strategy);
        callbacks.OnTestBegin(new Logs());
        bool wasTraining = model.Network.training;
        model.SetTrainingMode(false);
        int step = 0;
        try
        {
            using var _ = no_grad();
            foreach (var batch in DataPipeline.Loader(model, data, batchSize, strategy: strategy))
            {
                using (batch)
                {
                    model.CheckInputs(batch.InputTensors, method);
                    model.CheckTargets(batch.TargetTensors, method);
                    using var scope = NewDisposeScope();
                    var (x, y) = DataPipeline.ToDevice(batch, device, nonBlocking);
                    model.RunTestStep(new StepContext(services, x, y, batch.Size, step, training: false));
                }
                callbacks.OnTestBatchEnd(step++, services.LazyLogs(prefix));
            }
        }
        finally
        {
            if (wasTraining) model.SetTrainingMode(true);
        }
        services.SumAcrossProcesses();
        var result = services.FinalLogs(prefix);
        callbacks.OnTestEnd(result);
        return result;
    }

    public static Tensor[] Predict(Trainer model, IEnumerable<Batch> batches, long count, CallbackList callbacks)
    {
        var device = model.Device.ToTorch();
        bool wasTraining = model.Network.training;
        model.SetTrainingMode(false);
        var outputs = new List<Tensor[]>();
        callbacks.OnPredictBegin(new Logs());
        int step = 0;
        try
        {
            using (no_grad())
            {
                foreach (var batch in batches)
                {
                    using (batch)
                    using (var scope = NewDisposeScope())
                    {
                        model.CheckInputs(batch.InputTensors, "Predict");
                        var x = batch.InputTensors.Select(t => t.device == device ? t : t.to(device)).ToArray();
                        var y = model.RunPredictStep(x);
                        outputs.Add(y.Select(t => t.cpu().DetachFromDisposeScope()).ToArray());
                    }
                    callbacks.OnPredictBatchEnd(step++, new Logs());
                }
            }
            if (outputs.Count == 0) throw new InvalidOperationException("Predict received no samples.");
            var result = new Tensor[outputs[0].Length];
            for (int k = 0; k < result.Length; k++) result[k] = cat(outputs.Select(o => o[k]).ToArray(), 0);
            callbacks.OnPredictEnd(new Logs());
            return result;
        }
        finally
        {
            foreach (var o in outputs)
                foreach (var t in o) t.Dispose();
            if (wasTraining) model.SetTrainingMode(true);
        }
    }

    public static void Score(Trainer model, Dataset data, int batchSize, int output, ConfusionMatrix matrix)
    {
        var device = model.Device.ToTorch();
        bool wasTraining = model.Network.training;
        model.SetTrainingMode(false);
        try
        {
            using var _ = no_grad();
            foreach (var batch in DataPipeline.Loader(model, data, batchSize))
            {
                using (batch)
                using (var scope = NewDisposeScope())
                {
                    model.CheckInputs(batch.InputTensors, "ConfusionMatrix");
                    var x = batch.InputTensors.Select(t => t.device == device ? t : t.to(device)).ToArray();
                    var y = model.RunPredictStep(x);
                    matrix.Update(y[output], batch.TargetTensors[output].to(device));
                }
            }
        }
        finally
        {
            if (wasTraining) model.SetTrainingMode(true);
        }
    }
}
