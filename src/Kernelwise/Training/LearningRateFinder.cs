using Kernelwise.Data;
using Kernelwise.Formats;
using TorchSharp;
using static TorchSharp.torch;

namespace Kernelwise.Training;

/// <summary>
/// The learning-rate range test behind <see cref="Trainer.FindLearningRate"/>: a <see cref="Trainer.Fit"/> run whose
/// callback sets an exponentially growing rate before each batch and records the batch's loss — so the sweep trains
/// with exactly <c>Fit</c>'s step (clipping, accumulation, precision) — followed by restoring everything it changed.
/// </summary>
internal static class LearningRateFinder
{
    public static LearningRateFinderResult Run(Trainer model, Dataset train, double startRate, double endRate, int steps, int batchSize, int? seed)
    {
        var optimizer = (TorchSharp.Modules.OptimizerHelper)model.TorchOptimizer!;
        // Snapshot everything the sweep changes: weights and buffers, optimizer state (rates included), random state, history.
        var weights = StateDict.Capture(model.Network);
        byte[] optimizerState;
        using (var ms = new MemoryStream())
        {
            using (var w = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true)) optimizer.save_state_dict(w);
            optimizerState = ms.ToArray();
        }
        var rates = optimizer.ParamGroups.Select(g => g.LearningRate).ToList();
        using var rng = torch.get_rng_state();
        bool wasTraining = model.Network.training;
        var history = new History();
        history.ReplaceWith(model.History);
        var (outcome, reason, stoppedEpoch, stoppedBatch) = (model.History.Outcome, model.History.StopReason, model.History.StoppedEpoch, model.History.StoppedBatch);
        var sweep = new Sweep(startRate, endRate, steps);
        try
        {
            long batchesPerEpoch = (train.Count + batchSize - 1) / batchSize;
            int epochs = (int)Math.Max(1, (steps + batchesPerEpoch - 1) / batchesPerEpoch);
            model.Fit(train, epochs: epochs, batchSize: batchSize, seed: seed, callbacks: new[] { sweep }, verbose: 0);
        }
        finally
        {
            var source = weights.ToDictionary(kv => kv.Key, kv => kv.Value);
            StateDict.Apply(model.Network, source, "(weights before the learning-rate sweep)", model.Name);
            foreach (var t in weights) t.Value.Dispose();
            using (var r = new BinaryReader(new MemoryStream(optimizerState), System.Text.Encoding.UTF8)) optimizer.load_state_dict(r);
            int k = 0;
            foreach (var g in optimizer.ParamGroups) g.LearningRate = rates[k++];
            torch.set_rng_state(rng);
            model.History.ReplaceWith(history);
            model.History.End(outcome, reason, stoppedEpoch ?? 0, stoppedBatch ?? 0);
            model.SetTrainingMode(wasTraining);
        }
        // Leave out the diverged tail beyond the last finite value.
        int keep = sweep.Smoothed.FindLastIndex(double.IsFinite) + 1;
        if (keep == 0) throw new InvalidOperationException("The learning-rate sweep produced no finite loss; check the data and the model.");
        return new LearningRateFinderResult(sweep.Tried.Take(keep).ToArray(), sweep.Smoothed.Take(keep).ToArray(), sweep.Raw.Take(keep).ToArray(), sweep.Diverged);
    }

    /// <summary>Sets the rate of each batch and records its loss (exponentially smoothed, debiased); stops on divergence.</summary>
    private sealed class Sweep : Callback
    {
        private const double Beta = 0.98;
        private readonly double _start, _end;
        private readonly int _steps;
        private double _average, _best = double.PositiveInfinity;
        private int _i;

        public Sweep(double start, double end, int steps) => (_start, _end, _steps) = (start, end, steps);

        public List<double> Tried { get; } = new();

        public List<double> Smoothed { get; } = new();

        public List<double> Raw { get; } = new();

        public bool Diverged { get; private set; }

        public override void OnTrainBatchBegin(int batch, Logs logs)
        {
            double rate = _start * Math.Pow(_end / _start, (double)_i / (_steps - 1));
            foreach (var g in Model!.TorchOptimizer!.ParamGroups) g.LearningRate = rate * g.InitialLearningRate / (Model.Optimizer?.LearningRate ?? g.InitialLearningRate); // groups keep their proportions
            Tried.Add(rate);
        }

        public override void OnTrainBatchEnd(int batch, Logs logs)
        {
            double value = State!.LastBatchLoss;
            _average = Beta * _average + (1 - Beta) * value;
            double debiased = _average / (1 - Math.Pow(Beta, _i + 1));
            Raw.Add(value);
            Smoothed.Add(debiased);
            _best = Math.Min(_best, debiased);
            _i++;
            if (!double.IsFinite(debiased) || (_i > 1 && debiased > 4 * _best))
            {
                Diverged = true;
                Model!.RequestStop("the learning-rate sweep diverged");
            }
            else if (_i >= _steps)
            {
                Model!.RequestStop("the learning-rate sweep is complete");
            }
        }
    }
}
