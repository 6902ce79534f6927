using System.Collections.Concurrent;
using Kernelwise.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Kernelwise.Training.Engine;

/// <summary>
/// The one place the engine makes data loaders and moves batches to the model's device: the dataset's own worker
/// and prefetch settings, pinned memory and non-blocking copies when the model is on CUDA, the validation split, and
/// the reporting of image files skipped while loading.
/// </summary>
internal static class DataPipeline
{
    /// <summary>A loader over <paramref name="data"/> for the model's device (pinned batches on CUDA).</summary>
    public static DataLoader Loader(Trainer model, Dataset data, int batchSize, bool shuffle = false, int? seed = null, DistributionStrategy? strategy = null)
        => new(data, batchSize, shuffle, dropLast: false, seed: seed, pinMemory: model.Device.IsCuda)
        {
            ShardCount = strategy?.WorldSize ?? 1,
            ShardIndex = strategy?.Rank ?? 0,
        };

    /// <summary>
    /// The training and validation sets: <paramref name="validation"/> as given, or the last
    /// <paramref name="fraction"/> of <paramref name="train"/> (before any shuffling, as Keras) held out as a
    /// <see cref="Subset"/>, which keeps the dataset's per-epoch augmentation and its loader settings.
    /// </summary>
    public static (Dataset Train, Dataset? Validation) SplitValidation(Dataset train, Dataset? validation, double fraction)
    {
        if (validation is not null || fraction == 0) return (train, validation);
        long count = train.Count;
        long held = (long)Math.Floor(count * fraction);
        if (held < 1 || held >= count)
            throw new ArgumentException($"Invalid value for argument validationSplit. Expected a fraction that leaves at least one training and one validation sample out of {count}. Received validationSplit={fraction}.", "validationSplit");
        return (train.Subset(Range(0, count - held)), train.Subset(Range(count - held, held)));
    }

    private static IEnumerable<long> Range(long start, long count)
    {
        for (long i = 0; i < count; i++) yield return start + i;
    }

    /// <summary>One tensor per input and per target of <paramref name="batch"/>, on <paramref name="device"/> (the batch's own tensors when already there).</summary>
    public static (Tensor[] Inputs, Tensor[] Targets) ToDevice(Batch batch, torch.Device device, bool nonBlocking)
    {
        var inputs = batch.InputTensors.Select(t => t.device == device ? t : t.to(device, nonBlocking)).ToArray();
        var targets = batch.TargetTensors.Select(t => t.device == device ? t : t.to(device, nonBlocking)).ToArray();
        return (inputs, targets);
    }

    /// <summary>Collects the files image folders skip while loading, to report them on the training thread.</summary>
    public sealed class SkipMonitor : IDisposable
    {
        private readonly List<ImageFolder> _folders = new();
        private readonly ConcurrentQueue<SkippedFile> _queue = new();

        public SkipMonitor(params Dataset?[] datasets)
        {
            var seen = new HashSet<ImageFolder>();
            foreach (var d in datasets)
            {
                if (d is null) continue;
                foreach (var folder in Walk(d))
                {
                    if (!seen.Add(folder)) continue;
                    folder.FileSkipped += OnSkipped;
                    _folders.Add(folder);
                }
            }
        }

        private void OnSkipped(SkippedFile file) => _queue.Enqueue(file);

        private static IEnumerable<ImageFolder> Walk(Dataset d)
        {
            if (d is ImageFolder f) yield return f;
            foreach (var s in d.Sources)
                foreach (var x in Walk(s)) yield return x;
        }

        /// <summary>Reports every file skipped since the last call through <paramref name="callbacks"/>.</summary>
        public void Flush(Callback callbacks)
        {
            while (_queue.TryDequeue(out var file))
                callbacks.OnWarning($"Skipped {file.Path}: {file.Reason}");
        }

        public void Dispose()
        {
            foreach (var f in _folders) f.FileSkipped -= OnSkipped;
        }
    }
}
