using Kernelwise.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Kernelwise.Training.Engine;

/// <summary>
/// <see cref="Trainer.Fit"/>'s loop: epochs of training steps (<see cref="Trainer.TrainStep"/>) with an evaluation
/// pass after each epoch, every hook dispatched through one <see cref="CallbackList"/>, resumable from a checkpoint.
/// </summary>
internal static class FitLoop
{
    public static History Run(Trainer model, FitOptions o)
    {
        var callbacks = o.Callbacks;
        var strategy = o.Strategy;
        bool distributed = strategy.WorldSize > 1;
        if (o.Verbose > 0 && strategy.IsPrimary && !callbacks.Callbacks.OfType<ProgressBar>().Any()) callbacks.Add(new ProgressBar());

        var (train, validation) = DataPipeline.SplitValidation(o.Train, o.Validation, o.ValidationSplit);
        if (o.Seed is int s) torch.manual_seed(s);
        using var resume = o.ResumeFrom is null ? null : TrainingCheckpoint.Read(o.ResumeFrom);
        int loaderSeed = resume?.LoaderSeed ?? o.Seed ?? Random.Shared.Next();
        // Every process must shuffle alike, or their parts of a batch would overlap: rank 0's seed (drawn or given) counts.
        if (distributed) loaderSeed = ProcessAgreement.FromPrimary(strategy, loaderSeed);
        int initialEpoch = resume?.Epoch ?? o.InitialEpoch;
        var loader = DataPipeline.Loader(model, train, o.BatchSize, o.Shuffle, loaderSeed, strategy);
        loader.Epoch = initialEpoch;
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
        if (distributed)
        {
            ProcessAgreement.EnsureSameRun(strategy, ("training samples", train.Count), ("validation samples", validation?.Count ?? -1),
                ("batchSize", o.BatchSize), ("steps per epoch", steps), ("epochs", o.Epochs), ("the first epoch", initialEpoch),
                ("batches already done in it", resume?.BatchesDone ?? 0));
        }

        var state = new TrainingState(model, loaderSeed, o.BatchSize, strategy) { Epoch = initialEpoch };
        callbacks.Attach(model, new TrainingParameters(o.Epochs, steps, o.Verbose, initialEpoch), state);
        if (!distributed && LauncherProcesses() is { } launch)
            callbacks.OnWarning($"This process was started by an MPI launcher with {launch} processes, but Fit has no distribution strategy: each process trains a model of its own on all the data. Pass strategy: new DataParallel() (from the Distributed namespace) to train one model together.");
        if (ReferenceEquals(model.PrecisionPolicy, PrecisionPolicy.MixedFloat16) && !model.Device.IsCuda)
            callbacks.OnWarning("mixed-float16 on the CPU: libtorch has no fast float16 kernels there and training runs many times slower than in float32 (9-22x in Kernelwise's precision benchmark). Use mixed-bfloat16 on CPUs with AVX-512 BF16 or AMX, otherwise float32; keep mixed-float16 for GPUs.");
        if (model.PrecisionPolicy.ScalesLoss) model.LossScaler ??= new LossScaler();
        using var services = new StepServices(model, training: true, o.ClassWeight, strategy);
        state.Metrics = services.Metrics;
        state.Tracker = services.Tracker;
        state.Callbacks = callbacks;
        resume?.Restore(model, state, callbacks, services);
        strategy.Setup(model);
        using var skips = new DataPipeline.SkipMonitor(train, validation);

        var device = model.Device.ToTorch();
        bool nonBlocking = model.Device.IsCuda;
        model.ClearStop();
        model.History.End(TrainingOutcome.NotFinished, null, initialEpoch, 0);
        // Gradients left by an earlier run must not leak into the first update; reading them makes tensor handles, so in a scope.
        using (NewDisposeScope()) model.TorchOptimizer!.zero_grad();
        var outcome = (Kind: TrainingOutcome.Completed, Reason: (string?)null);
        int lastEpoch = initialEpoch, lastBatch = -1;
        var trainLogs = new Logs();
        callbacks.OnTrainBegin(trainLogs);
        var epochLogs = new Logs();
        try
        {
            for (int epoch = initialEpoch; epoch < o.Epochs && !model.StopTraining; epoch++)
            {
                bool resumingMidEpoch = resume is { BatchesDone: > 0 } && epoch == initialEpoch;
                state.Epoch = lastEpoch = epoch;
                state.EpochFinished = false;
                state.PendingLogs = null;
                if (!resumingMidEpoch)
                {
                    state.BatchesDone = 0;
                    services.Reset();
                }
                epochLogs = new Logs();
                callbacks.OnEpochBegin(epoch, epochLogs);
                model.SetTrainingMode(true);
                bool interrupted = false;
                int step = 0;
                using (var batches = loader.GetEnumerator())
                {
                    if (resume is not null && epoch == initialEpoch)
                    {
                        // Skip the batches the interrupted run had finished, then restore the random generator, so
                        // that anything the skipped batches drew (augmentation) does not shift later draws.
                        for (; step < state.BatchesDone && batches.MoveNext(); step++) batches.Current.Dispose();
                        resume.RestoreRandomState();
                        strategy.OnRandomStateRestored();
                    }
                    for (; step < steps; step++)
                    {
                        if (!batches.MoveNext())
                        {
                            if (!distributed) break;
                            // Every global batch has samples, but this process's part of the last one can be empty (fewer
                            // samples than processes): it still joins the update, which the others wait for.
                            callbacks.OnTrainBatchBegin(step, new Logs());
                            services.BeginStep(step, steps);
                            using (NewDisposeScope()) services.ApplyGradientsWithoutSamples();
                        }
                        else
                        {
                            using var batch = batches.Current;
                            callbacks.OnTrainBatchBegin(step, new Logs());
                            model.CheckInputs(batch.InputTensors, "Fit");
                            model.CheckTargets(batch.TargetTensors, "Fit");
                            services.BeginStep(step, steps);
                            using (var scope = NewDisposeScope())
                            {
                                var (x, y) = DataPipeline.ToDevice(batch, device, nonBlocking);
                                model.RunTrainStep(new StepContext(services, x, y, batch.Size, step, training: true));
                            }
                        }
                        state.BatchesDone = step + 1;
                        lastBatch = step;
                        skips.Flush(callbacks);
                        callbacks.OnTrainBatchEnd(step, services.LazyLogs());
                        bool interrupt = services.AtWindowEnd && step + 1 < steps && (o.CancellationToken.IsCancellationRequested || state.InterruptRequested);
                        if (distributed) interrupt = ProcessAgreement.AgreeOnStop(strategy, model, interrupt);
                        if (model.StopTraining) break;
                        if (interrupt)
                        {
                            interrupted = true;
                            break;
                        }
                    }
                }
                state.Updates = services.Updates;
                if (interrupted)
                {
                    // The checkpoint of an interrupted epoch holds the running figures of all processes.
                    services.SumAcrossProcesses();
                    callbacks.OnInterrupt(epoch, state.BatchesDone - 1, services.FinalLogs());
                    outcome = (TrainingOutcome.Interrupted, o.CancellationToken.IsCancellationRequested ? "the cancellation token was cancelled" : "an interrupt was requested (Ctrl+C)");
                    break;
                }
                services.SumAcrossProcesses();
                epochLogs = services.FinalLogs();
                if (validation is not null)
                {
                    foreach (var (k, v) in EvaluationLoop.Evaluate(model, validation, o.ValidationBatchSize, callbacks, prefix: "val_", method: "Fit (validation)", strategy))
                        epochLogs[k] = v;
                    model.SetTrainingMode(true);
                }
                if (model.TorchOptimizer!.ParamGroups.FirstOrDefault() is { } group) epochLogs["lr"] = group.LearningRate;
                state.EpochFinished = true;
                state.PendingLogs = epochLogs;
                callbacks.OnEpochEnd(epoch, epochLogs);
                model.History.Record(epoch, epochLogs);
                state.PendingLogs = null;
                callbacks.OnEpochCommitted(epoch, epochLogs);
                lastBatch = state.BatchesDone - 1;
                bool interruptAtEnd = o.CancellationToken.IsCancellationRequested || state.InterruptRequested;
                if (distributed) interruptAtEnd = ProcessAgreement.AgreeOnStop(strategy, model, interruptAtEnd);
                if (!double.IsFinite(epochLogs["loss"]))
                {
                    outcome = (TrainingOutcome.NonFiniteLoss, $"the training loss of epoch {epoch + 1} is {epochLogs["loss"]}; lower the learning rate or clip gradients (ClipNorm)");
                    callbacks.OnWarning($"Stopping: {outcome.Reason}.");
                    break;
                }
                if (interruptAtEnd && !model.StopTraining && epoch + 1 < o.Epochs)
                {
                    // Stopped at an epoch boundary: the checkpoint continues with the next epoch.
                    callbacks.OnInterrupt(epoch, state.BatchesDone - 1, epochLogs);
                    outcome = (TrainingOutcome.Interrupted, o.CancellationToken.IsCancellationRequested ? "the cancellation token was cancelled" : "an interrupt was requested (Ctrl+C)");
                    break;
                }
            }
            if (model.StopTraining && outcome.Kind == TrainingOutcome.Completed)
                outcome = (model.StopOutcome, model.StopReason ?? "a callback set StopTraining");
        }
        catch
        {
            model.History.End(TrainingOutcome.NotFinished, "an exception ended training", lastEpoch, Math.Max(lastBatch, 0));
            throw;
        }
        finally
        {
            callbacks.OnTrainEnd(epochLogs);
            callbacks.Detach();
            strategy.TearDown();
        }
        model.History.End(outcome.Kind, outcome.Reason, lastEpoch, Math.Max(lastBatch, 0));
        return model.History;
    }

    /// <summary>The number of processes an MPI launcher (mpirun, srun) started, when it started more than one; else null.</summary>
    private static int? LauncherProcesses()
    {
        foreach (var name in new[] { "OMPI_COMM_WORLD_SIZE", "PMI_SIZE" })
        {
            if (int.TryParse(Environment.GetEnvironmentVariable(name), out int n) && n > 1) return n;
        }
        return null;
    }
}
