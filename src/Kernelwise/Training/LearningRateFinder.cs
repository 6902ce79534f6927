using Kernelwise.Formats;
using Kernelwise.Data;
using Kernelwise.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Kernelwise.Training;

/// <summary>
/// fastai's learning-rate range test: train for a few hundred batches at most while the rate grows exponentially from
/// a tiny to a huge value, record the loss, then put everything back.
/// </summary>
internal static class LearningRateFinder
{
    public static LearningRateFinderResult Run(Model model, Dataset train, double startRate, double endRate, int steps, int batchSize, int? seed)
    {
        var optimizer = (TorchSharp.Modules.OptimizerHelper)model.Optimizer!;
        var loss = model.Loss!;
        var device = model.Device.ToTorch();
        // Snapshot everything the sweep changes: weights and buffers, optimizer state (rates included), random state, mode.
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
        var tried = new List<double>();
        var smoothed = new List<double>();
        var raw = new List<double>();
        bool diverged = false;
        try
        {
            var loader = new DataLoader(train, batchSize, shuffle: true, dropLast: false, seed: seed);
            model.TrainMode();
            const double beta = 0.98;
            double average = 0, best = double.PositiveInfinity;
            int i = 0;
            while (i < steps && !diverged)
            {
                foreach (var batch in loader)
                {
                    using (batch)
                    {
                        double rate = startRate * Math.Pow(endRate / startRate, steps == 1 ? 0 : (double)i / (steps - 1));
                        foreach (var g in optimizer.ParamGroups) g.LearningRate = rate;
                        double value;
                        using (var scope = NewDisposeScope())
                        {
                            model.CheckInput(batch.Inputs, "FindLearningRate");
                            optimizer.zero_grad();
                            var output = model.Network.forward(batch.Inputs.to(device));
                            var l = loss.Compute(output, batch.Targets.to(device));
                            l.backward();
                            optimizer.step();
                            value = l.item<float>();
                        }
                        average = beta * average + (1 - beta) * value;
                        double debiased = average / (1 - Math.Pow(beta, i + 1));
                        tried.Add(rate);
                        raw.Add(value);
                        smoothed.Add(debiased);
                        best = Math.Min(best, debiased);
                        i++;
                        if (!double.IsFinite(debiased) || (i > 1 && debiased > 4 * best))
                        {
                            diverged = true;
                            break;
                        }
                        if (i >= steps) break;
                    }
                }
            }
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
            if (wasTraining) model.TrainMode();
            else model.Network.eval();
        }
        // Leave out the diverged tail beyond the last finite value.
        int keep = smoothed.FindLastIndex(double.IsFinite) + 1;
        if (keep == 0) throw new InvalidOperationException("The learning-rate sweep produced no finite loss; check the data and the model.");
        return new LearningRateFinderResult(tried.Take(keep).ToArray(), smoothed.Take(keep).ToArray(), raw.Take(keep).ToArray(), diverged);
    }
}
