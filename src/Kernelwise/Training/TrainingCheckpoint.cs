using System.Text;
using Kernelwise.Formats;
using TorchSharp;
using static TorchSharp.torch;

namespace Kernelwise.Training;

/// <summary>
/// A complete, verified snapshot of a training run: weights and buffers, optimizer state, callback state (schedules,
/// early stopping, best values), the epoch and batch reached, the random generator's state, the data order's seed,
/// and the history. <see cref="Trainer.Fit"/> resumes from one with <c>resumeFrom:</c>, exactly: on the CPU the
/// resumed run ends with the same weights, bit for bit, as an uninterrupted one.
/// </summary>
/// <remarks>
/// <para>Checkpoints are written by <see cref="ModelCheckpoint"/> and <see cref="SaveOnInterrupt"/>,
/// atomically (temporary file, flush to disk, rename) in a container with a header, a format version and a SHA-256
/// checksum (see the file layout in the remarks of the container). <see cref="Read"/> verifies all of it before
/// anything is applied: a truncated or corrupt file is a <see cref="CheckpointException"/> naming the file, and
/// <see cref="FindLatest"/> skips such files, so a damaged newest file never hides the last good one.</para>
/// <para>Not captured: the CUDA random generators (a CUDA run resumes correctly but not bit-identically) and
/// state kept outside Kernelwise's objects.</para>
/// </remarks>
public sealed class TrainingCheckpoint : IDisposable
{
    /// <summary>The file extension Kernelwise uses for training checkpoints.</summary>
    public const string Extension = ".kwckpt";

    private readonly Dictionary<string, byte[]> _sections;

    private TrainingCheckpoint(string path, Dictionary<string, byte[]> sections)
    {
        Path = path;
        _sections = sections;
        try
        {
            using var r = Reader("meta");
            KernelwiseVersion = r.ReadString();
            ModelName = r.ReadString();
            Epoch = r.ReadInt32();
            BatchesDone = r.ReadInt32();
            LoaderSeed = r.ReadInt32();
            LossSum = r.ReadDouble();
            Seen = r.ReadInt64();
            OptimizerType = r.ReadString();
            CreatedUtc = new DateTime(r.ReadInt64(), DateTimeKind.Utc);
            BatchSize = r.ReadInt32();
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or ArgumentException)
        {
            throw new CheckpointException(path, $"Checkpoint '{path}' is corrupt: its metadata cannot be read ({e.Message}).", e);
        }
    }

    /// <summary>The file it was read from.</summary>
    public string Path { get; }

    /// <summary>The Kernelwise version that wrote it.</summary>
    public string KernelwiseVersion { get; }

    /// <summary>The name of the model it was taken from.</summary>
    public string ModelName { get; }

    /// <summary>The epoch training continues with (zero-based): the one after the last finished epoch, or the interrupted one.</summary>
    public int Epoch { get; }

    /// <summary>Training batches already done in <see cref="Epoch"/> (0 for a checkpoint taken at the end of an epoch).</summary>
    public int BatchesDone { get; }

    /// <summary>The training data loader's shuffle seed.</summary>
    public int LoaderSeed { get; }

    /// <summary>The TorchSharp optimizer type whose state it holds (e.g. <c>Adam</c>).</summary>
    public string OptimizerType { get; }

    /// <summary>When it was written (UTC).</summary>
    public DateTime CreatedUtc { get; }

    /// <summary>The training batch size of the run (a run resumed mid-epoch must use the same).</summary>
    public int BatchSize { get; }

    internal double LossSum { get; }

    internal long Seen { get; }

    /// <summary>Reads and verifies a checkpoint (magic, version, length, SHA-256). Throws <see cref="CheckpointException"/> naming the file when it is unusable.</summary>
    public static TrainingCheckpoint Read(string path)
    {
        Guard.NotEmpty(path);
        return new TrainingCheckpoint(path, CheckpointFile.Read(path));
    }

    /// <summary>Whether <paramref name="path"/> is a complete, intact checkpoint; <paramref name="problem"/> says why not.</summary>
    public static bool Verify(string path, out string? problem)
    {
        try
        {
            using var _ = Read(path);
            problem = null;
            return true;
        }
        catch (Exception e) when (e is CheckpointException or FileNotFoundException)
        {
            problem = e.Message;
            return false;
        }
    }

    /// <summary>
    /// The most advanced intact checkpoint in <paramref name="directory"/> (highest epoch and batch, then newest),
    /// or null when there is none. Truncated, corrupt and temporary files are skipped.
    /// </summary>
    /// <param name="directory">Folder to search.</param>
    /// <param name="searchPattern">File pattern (default <c>*.kwckpt</c>).</param>
    public static string? FindLatest(string directory, string searchPattern = "*" + Extension)
    {
        Guard.NotEmpty(directory);
        if (!Directory.Exists(directory)) return null;
        var candidates = new List<(string Path, int Epoch, int Batches, DateTime Written)>();
        foreach (var file in Directory.EnumerateFiles(directory, searchPattern))
        {
            if (file.EndsWith(AtomicFile.TemporarySuffix, StringComparison.Ordinal)) continue;
            try
            {
                using var c = Read(file);
                candidates.Add((file, c.Epoch, c.BatchesDone, File.GetLastWriteTimeUtc(file)));
            }
            catch (CheckpointException)
            {
                // Damaged files never shadow the last good checkpoint.
            }
        }
        return candidates.OrderByDescending(c => c.Epoch).ThenByDescending(c => c.Batches).ThenByDescending(c => c.Written).Select(c => c.Path).FirstOrDefault();
    }

    /// <summary>The recorded history: epoch indices and per-key values.</summary>
    public History ReadHistory()
    {
        var history = new History();
        using var r = Reader("history");
        int epochs = r.ReadInt32();
        var indices = new int[epochs];
        for (int i = 0; i < epochs; i++) indices[i] = r.ReadInt32();
        int keys = r.ReadInt32();
        var columns = new List<(string Key, double[] Values)>();
        for (int k = 0; k < keys; k++)
        {
            string key = r.ReadString();
            var values = new double[epochs];
            for (int i = 0; i < epochs; i++) values[i] = r.ReadDouble();
            columns.Add((key, values));
        }
        for (int i = 0; i < epochs; i++)
            history.Record(indices[i], columns.ToDictionary(c => c.Key, c => c.Values[i]));
        return history;
    }

    /// <summary>Writes a checkpoint of the running <c>Fit</c> described by <paramref name="state"/> (what <see cref="ModelCheckpoint"/> and <see cref="SaveOnInterrupt"/> call).</summary>
    public static void Write(string path, TrainingState state)
    {
        Guard.NotEmpty(path);
        ArgumentNullException.ThrowIfNull(state);
        var session = state;
        var model = session.Model;
        var optimizer = model.TorchOptimizer as TorchSharp.Modules.OptimizerHelper
            ?? throw new NotSupportedException($"The optimizer {model.TorchOptimizer?.GetType().Name} cannot save its state, so a training checkpoint cannot be written.");
        var sections = new List<(string, byte[])>();
        bool finished = session.EpochFinished;
        sections.Add(("meta", Bytes(w =>
        {
            w.Write(typeof(TrainingCheckpoint).Assembly.GetName().Version?.ToString() ?? "0");
            w.Write(model.Name);
            w.Write(finished ? session.Epoch + 1 : session.Epoch);
            w.Write(finished ? 0 : session.BatchesDone);
            w.Write(session.LoaderSeed);
            w.Write(finished ? 0.0 : session.Tracker?.Sum ?? 0.0);
            w.Write(finished ? 0L : session.Tracker?.Seen ?? 0L);
            w.Write(optimizer.GetType().Name);
            w.Write(DateTime.UtcNow.Ticks);
            w.Write(session.BatchSize);
        })));
        using (var ms = new MemoryStream())
        {
            var tensors = StateDict.Capture(model.Network);
            try
            {
                Safetensors.Write(ms, tensors);
            }
            finally
            {
                foreach (var t in tensors) t.Value.Dispose();
            }
            sections.Add(("weights", ms.ToArray()));
        }
        sections.Add(("optimizer", Bytes(w => optimizer.save_state_dict(w))));
        sections.Add(("precision", Bytes(w =>
        {
            w.Write(model.PrecisionPolicy.Name);
            w.Write(model.LossScaler is not null);
            model.LossScaler?.Save(w);
        })));
        if (!finished && session.Tracker is { ComponentSums.Length: > 0 } tracker)
        {
            var components = tracker.ComponentSumValues();
            sections.Add(("loss_components", Bytes(w =>
            {
                w.Write(components.Length);
                foreach (var c in components) w.Write(c);
            })));
        }
        using (var rng = torch.get_rng_state()) sections.Add(("rng", rng.bytes.ToArray()));
        sections.Add(("history", Bytes(w => WriteHistory(w, model.History, session.PendingLogs is { } p ? (session.Epoch, p) : null))));
        sections.Add(("metrics", Bytes(w =>
        {
            var states = finished ? new List<(string, double[]?)>()
                : session.Metrics.SelectMany((ms, o) => ms.Select(m => (model.MetricKey(o, m.Name), m.GetState()))).ToList();
            w.Write(states.Count);
            foreach (var (name, state) in states)
            {
                w.Write(name);
                w.Write(state?.Length ?? -1);
                foreach (var v in state ?? Array.Empty<double>()) w.Write(v);
            }
        })));
        sections.Add(("callbacks", Bytes(w =>
        {
            var keyed = (session.Callbacks?.Keyed() ?? Enumerable.Empty<(string, Callback)>()).ToList();
            w.Write(keyed.Count);
            foreach (var (key, callback) in keyed)
            {
                w.Write(key);
                var state = Bytes(callback.SaveState);
                w.Write(state.Length);
                w.Write(state);
            }
        })));
        CheckpointFile.Write(path, sections);
    }

    /// <summary>Applies everything except the random generator's state (see <see cref="RestoreRandomState"/>) to the session's model and callbacks.</summary>
    internal void Restore(Trainer model, TrainingState session, CallbackList callbacks, Engine.StepServices services)
    {
        var optimizer = model.TorchOptimizer as TorchSharp.Modules.OptimizerHelper
            ?? throw new CheckpointException(Path, $"Model '{model.Name}' is compiled with an optimizer that cannot load state ({model.TorchOptimizer?.GetType().Name}).");
        if (optimizer.GetType().Name != OptimizerType)
            throw new CheckpointException(Path, $"Checkpoint '{Path}' holds {OptimizerType} optimizer state, but model '{model.Name}' is compiled with {optimizer.GetType().Name}. Compile with the same optimizer to resume.");
        var weights = Safetensors.Read(_sections["weights"], Path);
        try
        {
            StateDict.Apply(model.Network, weights, Path, model.Name);
        }
        finally
        {
            foreach (var t in weights.Values) t.Dispose();
        }
        try
        {
            using var r = Reader("optimizer");
            optimizer.load_state_dict(r);
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or EndOfStreamException)
        {
            throw new CheckpointException(Path, $"Checkpoint '{Path}' has optimizer state that does not fit model '{model.Name}': {e.Message}", e);
        }
        var history = ReadHistory();
        model.History.ReplaceWith(history);
        // The running figures of an interrupted epoch are the sums over all processes of a data-parallel run: only rank
        // 0 takes them up again, the others start from zero, and the epoch's sum across processes comes out right.
        bool takeFigures = session.IsPrimary;
        using (var r = Reader("metrics"))
        {
            int count = r.ReadInt32();
            for (int i = 0; i < count; i++)
            {
                string name = r.ReadString();
                int length = r.ReadInt32();
                var state = length < 0 ? null : Enumerable.Range(0, length).Select(_ => r.ReadDouble()).ToArray();
                var metric = session.Metrics.SelectMany((ms, o) => ms.Select(m => (Key: model.MetricKey(o, m.Name), Metric: m))).FirstOrDefault(p => p.Key == name).Metric;
                if (takeFigures && metric is not null && state is not null) metric.SetState(state);
            }
        }
        var saved = new Dictionary<string, byte[]>();
        using (var r = Reader("callbacks"))
        {
            int count = r.ReadInt32();
            for (int i = 0; i < count; i++)
            {
                string key = r.ReadString();
                saved[key] = r.ReadBytes(r.ReadInt32());
            }
        }
        foreach (var (key, callback) in callbacks.Keyed())
        {
            if (!saved.TryGetValue(key, out var state)) continue;
            using var ms = new MemoryStream(state, writable: false);
            using var r = new BinaryReader(ms, Encoding.UTF8);
            callback.LoadState(r);
        }
        if (_sections.ContainsKey("precision"))
        {
            using var r = Reader("precision");
            string policy = r.ReadString();
            if (policy != model.PrecisionPolicy.Name)
                throw new CheckpointException(Path, $"Checkpoint '{Path}' was taken with precision {policy}, but model '{model.Name}' computes in {model.PrecisionPolicy.Name}. Set model.PrecisionPolicy = PrecisionPolicy.Parse(\"{policy}\") to resume.");
            if (r.ReadBoolean())
            {
                try
                {
                    model.LossScaler = LossScaler.Read(r);
                }
                catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
                {
                    throw new CheckpointException(Path, $"Checkpoint '{Path}' has an invalid loss scaler state: {e.Message}", e);
                }
            }
        }
        session.BatchesDone = BatchesDone;
        double[]? components = null;
        if (_sections.ContainsKey("loss_components"))
        {
            using var r = Reader("loss_components");
            components = new double[r.ReadInt32()];
            for (int i = 0; i < components.Length; i++) components[i] = r.ReadDouble();
        }
        if (takeFigures) services.Tracker.Restore(LossSum, Seen, components);
    }

    /// <summary>Sets libtorch's CPU random generator to the state saved with the checkpoint.</summary>
    internal void RestoreRandomState()
    {
        var bytes = _sections["rng"];
        using var state = torch.empty(bytes.Length, dtype: ScalarType.Byte);
        state.bytes = bytes;
        torch.set_rng_state(state);
    }

    private static void WriteHistory(BinaryWriter w, History history, (int Epoch, Logs Logs)? pending)
    {
        var epochs = history.Epochs.ToList();
        var keys = history.Keys.ToList();
        if (pending is { } p)
        {
            epochs.Add(p.Epoch);
            foreach (var k in p.Logs.Keys) if (!keys.Contains(k)) keys.Add(k);
        }
        w.Write(epochs.Count);
        foreach (var e in epochs) w.Write(e);
        w.Write(keys.Count);
        foreach (var k in keys)
        {
            w.Write(k);
            for (int i = 0; i < history.Epochs.Count; i++) w.Write(history.Contains(k) ? history[k][i] : double.NaN);
            if (pending is { } q) w.Write(q.Logs.TryGetValue(k, out var v) ? v : double.NaN);
        }
    }

    private BinaryReader Reader(string section)
    {
        if (!_sections.TryGetValue(section, out var bytes))
            throw new CheckpointException(Path, $"Checkpoint '{Path}' is incomplete: it has no '{section}' section.");
        return new BinaryReader(new MemoryStream(bytes, writable: false), Encoding.UTF8);
    }

    private static byte[] Bytes(Action<BinaryWriter> write)
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, Encoding.UTF8, leaveOpen: true)) write(w);
        return ms.ToArray();
    }

    /// <summary>Releases the file's contents held in memory.</summary>
    public void Dispose() => _sections.Clear();
}
