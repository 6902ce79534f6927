using System.Diagnostics;
using System.Globalization;
using Kernelwise.Data;
using Kernelwise.Distributed;
using Kernelwise.Layers;
using Kernelwise.Models;
using Kernelwise.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Kernelwise.DistributedProbe;

/// <summary>
/// The probe's data-parallel <c>Fit</c> modes: every rank trains with <c>new DataParallel()</c>, the strategy a user
/// script takes, and checks what a data-parallel run must hold. Lines are printed as <c>rank R: ...</c>; a failed check
/// aborts every rank with exit code 3, a failure inside <c>Fit</c> with <see cref="DataParallel.AbortExitCode"/>.
/// </summary>
internal static class FitChecks
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static int Run(string[] args)
    {
        var strategy = new DataParallel();
        int rank = strategy.Rank, size = strategy.WorldSize;
        Console.WriteLine($"rank {rank} of {size}: backend {strategy.Backend.Name}; {args[0]}");
        strategy.Backend.RunOrAbort(() =>
        {
            switch (args[0])
            {
                case "fit-compare": Compare(strategy, Option(args, "--steps", 20), Option(args, "--batch", 64)); break;
                case "fit-resume": Resume(strategy, args.Length > 1 ? args[1] : throw new ArgumentException("fit-resume needs a folder.")); break;
                case "fit-throw": Throw(strategy); break;
                case "fit-kill": Kill(strategy); break;
                case "fit-mismatch": Mismatch(strategy, data: args.Contains("--data")); break;
                case "fit-measure": Measure(strategy, args); break;
                default: throw new ArgumentException($"Unknown mode '{args[0]}'.");
            }
        }, errorCode: 3);
        strategy.Barrier();
        return 0;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], Inv) : fallback;
    }

    private static void Check(bool condition, int rank, string what)
    {
        if (!condition) throw new InvalidOperationException($"Check failed on rank {rank}: {what}");
    }

    /// <summary>A small CNN with neither dropout nor batch normalisation: the same computation in any number of processes.</summary>
    private static Model Build(int seed, int classes = 10)
    {
        Reproducibility.SetSeed(seed);
        return new Sequential(new Shape(1, 12, 12), "probe_cnn")
            .Conv2D(8, 3, activation: Activation.ReLU)
            .MaxPooling2D(2)
            .Conv2D(16, 3, activation: Activation.ReLU)
            .Flatten()
            .Dense(classes)
            .Build(ComputeDevice.Cpu)
            .Compile(new Adam(2e-3), new CrossEntropy(), new Accuracy(), new F1Score());
    }

    /// <summary>n images [1, 12, 12] of noise and a bright 3×3 block whose place depends on the class (10 classes).</summary>
    private static TensorDataset Blocks(int n, int seed)
    {
        var rng = new Random(seed);
        const int size = 12, perRow = 4, cell = 3;
        var x = new float[n * size * size];
        var y = new long[n];
        for (int i = 0; i < n; i++)
        {
            int c = rng.Next(10);
            y[i] = c;
            for (int p = 0; p < size * size; p++) x[i * size * size + p] = (float)(rng.NextDouble() * 0.6);
            int r0 = (c / perRow) * cell + rng.Next(2), c0 = (c % perRow) * cell + rng.Next(2);
            for (int dr = 0; dr < 3; dr++)
                for (int dc = 0; dc < 3; dc++) x[i * size * size + (r0 + dr) * size + c0 + dc] = 1f;
        }
        return new TensorDataset(tensor(x, new long[] { n, 1, size, size }), tensor(y));
    }

    private static Dictionary<string, Tensor> Weights(Model model) =>
        model.Network.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);

    private static double MaxDifference(Model a, Model b)
    {
        var wb = Weights(b);
        double max = 0;
        foreach (var (name, w) in Weights(a))
        {
            using var d = (w - wb[name]).abs().max();
            max = Math.Max(max, d.item<float>());
        }
        return max;
    }

    /// <summary>Every rank's value of <paramref name="value"/>, in rank order.</summary>
    private static double[] Gather(DataParallel strategy, double value)
    {
        var all = new double[strategy.WorldSize];
        all[strategy.Rank] = value;
        strategy.SumAcrossProcesses(all);
        return all;
    }

    /// <summary>
    /// Prints every rank's <paramref name="line"/> from rank 0, in rank order: lines written by several ranks at once can
    /// reach mpirun's output spliced into each other.
    /// </summary>
    private static void Report(DataParallel strategy, string line)
    {
        for (int r = 0; r < strategy.WorldSize; r++)
        {
            byte[] text = strategy.Rank == r ? System.Text.Encoding.UTF8.GetBytes(line) : [];
            long[] length = [text.LongLength];
            strategy.Backend.Broadcast(System.Runtime.InteropServices.MemoryMarshal.AsBytes(length.AsSpan()), r);
            if (strategy.Rank != r) text = new byte[length[0]];
            strategy.Backend.Broadcast(text, r);
            if (strategy.Rank == 0) Console.WriteLine(System.Text.Encoding.UTF8.GetString(text));
        }
        Console.Out.Flush();
    }

    /// <summary>Whether every rank holds rank 0's weights bit for bit.</summary>
    private static bool SameAsRankZero(DataParallel strategy, Model model)
    {
        bool same = true;
        foreach (var (_, w) in Weights(model))
        {
            using var copy = w.detach().clone();
            strategy.Backend.Broadcast(copy, 0);
            using var equal = copy.eq(w).all();
            same &= equal.item<bool>();
        }
        return Gather(strategy, same ? 0 : 1).Sum() == 0;
    }

    /// <summary>"key=a/b" for each key: the last epoch's figures, or those of epoch <paramref name="epoch"/>.</summary>
    private static string Figures(History a, History b, string[] keys, int? epoch = null, string prefix = "") =>
        string.Join(" ", keys.Select(k => string.Create(Inv, $"{prefix}{k}={a[k][epoch ?? a[k].Count - 1]:R}/{b[k][epoch ?? b[k].Count - 1]:R}")));

    /// <summary>
    /// <c>steps</c> steps of <c>batch</c> samples in each of N ranks against one process with batches of N × batch over
    /// the same samples in the same (shuffled) order: the weights must agree to float tolerance, the metrics exactly.
    /// Then one more epoch of N × batch + 1 samples, whose last global batch of 1 leaves all but one rank without
    /// samples; then a Fit that a callback stops in the last rank only; then a model with batch normalisation and
    /// dropout, whose weights and buffers must end the same in every rank while the dropout masks differ.
    /// </summary>
    private static void Compare(DataParallel strategy, int steps, int batch)
    {
        int rank = strategy.Rank, size = strategy.WorldSize;
        var train = Blocks(steps * batch * size, seed: 1);
        var validation = Blocks(300, seed: 2);
        var shortEpoch = Blocks(batch * size + 1, seed: 3);

        // The reference: one process, global batches, no strategy (every rank computes it, so none waits for another).
        using var reference = Build(seed: 7);
        var expected = reference.Fit(train, epochs: 1, batchSize: batch * size, validationData: validation, seed: 42, verbose: 0);

        using var model = Build(seed: 7);
        var history = model.Fit(train, epochs: 1, batchSize: batch, validationData: validation, seed: 42, verbose: 0, strategy: strategy);
        Check(history.Outcome == TrainingOutcome.Completed, rank, $"the data-parallel Fit completed (outcome {history.Outcome})");
        double diff = MaxDifference(model, reference);
        bool identical = SameAsRankZero(strategy, model);
        string figures = Figures(history, expected, ["loss", "accuracy", "f1_score", "val_loss", "val_accuracy", "val_f1_score"]);

        reference.Fit(shortEpoch, epochs: 1, batchSize: batch * size, seed: 43, verbose: 0);
        model.Fit(shortEpoch, epochs: 1, batchSize: batch, seed: 43, verbose: 0, strategy: strategy);
        double shortDiff = MaxDifference(model, reference);
        string shortFigures = Figures(model.History, reference.History, ["loss", "accuracy"], prefix: "short-");
        bool identicalAfterShort = SameAsRankZero(strategy, model);

        string compared = string.Create(Inv,
            $"rank {rank}: compare steps={steps} batch={batch}x{size} max-weight-diff={diff:R} ranks-identical={identical} {figures} short-batch-weight-diff={shortDiff:R} short-ranks-identical={identicalAfterShort} {shortFigures} averagings={strategy.Averagings}");
        // A callback that stops training in the last rank only stops every rank after the same batch.
        var stopper = new LambdaCallback(onTrainBatchEnd: (b, _) => { if (rank == size - 1 && b == 2) model.RequestStop("stopped by the probe"); });
        var stopped = model.Fit(train, epochs: 3, batchSize: batch, seed: 44, verbose: 0, callbacks: [stopper], strategy: strategy);
        string stop = $"rank {rank}: stop outcome={stopped.Outcome} at={stopped.StoppedEpoch}:{stopped.StoppedBatch} reason={stopped.StopReason}";

        // Batch normalisation and dropout: every rank ends with rank 0's weights and buffers (running averages) bit for
        // bit, while each rank draws dropout masks of its own.
        Reproducibility.SetSeed(8);
        using var noisy = new Sequential(new Shape(1, 12, 12), "probe_bn")
            .Conv2D(8, 3, useBias: false).BatchNormalization().ReLU().MaxPooling2D(2).Flatten().Dropout(0.5).Dense(10)
            .Build(ComputeDevice.Cpu).Compile(new Adam(2e-3), new CrossEntropy(), new Accuracy());
        noisy.Fit(train, epochs: 1, batchSize: batch, seed: 45, verbose: 0, strategy: strategy);
        bool stateIdentical = true;
        foreach (var (_, t) in noisy.Network.state_dict())
        {
            using var copy = t.clone();
            strategy.Backend.Broadcast(copy, 0);
            using var equal = copy.eq(t).all();
            stateIdentical &= equal.item<bool>();
        }
        noisy.Network.train();
        double masked;
        using (var x = ones(64, 1, 12, 12))
        using (var y = ((nn.Module<Tensor, Tensor>)noisy.Network).call(x))
        using (var sum = y.abs().sum()) masked = sum.item<float>();
        var maskedAll = Gather(strategy, masked);
        string batchNorm = $"rank {rank}: batchnorm-dropout state-identical={Gather(strategy, stateIdentical ? 0 : 1).Sum() == 0} dropout-differs={maskedAll.Distinct().Count() == maskedAll.Length}";

        // Gradients that exist in some ranks only: rank 1 skips the backward pass of its first step (no gradient at all
        // there), and the head "spare" has no loss (no gradient in any rank). The ranks must stay identical, the trained
        // head must move, and the spare head must not (AdamW's weight decay would move it, were it given zero gradients).
        var image = new Input(new Shape(1, 12, 12), "image");
        var features = image.Conv2D(4, 3, activation: Activation.ReLU).Flatten();
        Reproducibility.SetSeed(9);
        using var branches = new SkipsFirstBackward(image, [features.Dense(10, name: "digit"), features.Dense(3, name: "spare")], skipOnRank: size - 1);
        branches.Compile(new AdamW(1e-2, weightDecay: 0.1), new Dictionary<string, Loss> { ["digit"] = new CrossEntropy() });
        var before = branches.Network.named_parameters().ToDictionary(p => p.name, p => ((Tensor)p.parameter).detach().clone());
        var data = Blocks(4 * batch * size, seed: 6);
        var twoTargets = new TensorDataset([data.Inputs], [data.Targets, zeros(data.Count, 3)]);
        branches.Fit(twoTargets, epochs: 1, batchSize: batch, seed: 46, verbose: 0, strategy: strategy);
        bool spareUnchanged = true, digitMoved = true;
        foreach (var (name, w) in branches.Network.named_parameters())
        {
            using var same = w.eq(before[name]).all();
            if (name.StartsWith("spare", StringComparison.Ordinal)) spareUnchanged &= same.item<bool>();
            if (name.StartsWith("digit", StringComparison.Ordinal)) digitMoved &= !same.item<bool>();
        }
        foreach (var t in before.Values) t.Dispose();
        string unused = $"rank {rank}: partial-gradients ranks-identical={SameAsRankZero(strategy, branches)} spare-unchanged={spareUnchanged} trained-moved={digitMoved}";

        // Mixed precision with float16 loss scaling: every rank unscales the same averaged gradients, so every rank
        // skips the same steps and keeps the same scale.
        using var half = Build(seed: 10);
        half.PrecisionPolicy = PrecisionPolicy.MixedFloat16;
        half.Fit(train, epochs: 1, batchSize: batch, seed: 47, verbose: 0, strategy: strategy);
        var scales = Gather(strategy, half.LossScaler?.Scale ?? double.NaN);
        string mixed = string.Create(Inv,
            $"rank {rank}: mixed-float16 ranks-identical={SameAsRankZero(strategy, half)} same-scale={scales.Distinct().Count() == 1} scale={scales[rank]:R} skipped={half.LossScaler?.SkippedSteps}");

        Report(strategy, compared);
        Report(strategy, stop);
        Report(strategy, batchNorm);
        Report(strategy, unused);
        Report(strategy, mixed);

        var all = Gather(strategy, Math.Max(diff, shortDiff));
        if (rank == 0) Console.WriteLine(string.Create(Inv, $"largest weight difference: {all.Max():R}"));
    }

    /// <summary>
    /// Run A trains 3 epochs straight (with a checkpoint after every epoch, a CSV log and TensorBoard files, all named
    /// after the rank that writes them); run B is interrupted by a cancellation in the last rank only, in the middle of
    /// the second epoch; run C resumes B's checkpoint, run D A's checkpoint of epoch 2. C and D must end with A's
    /// weights and figures, and only rank 0 may have written files.
    /// </summary>
    private static void Resume(DataParallel strategy, string folder)
    {
        int rank = strategy.Rank, size = strategy.WorldSize;
        var train = Blocks(8 * 32 * size, seed: 4);
        var validation = Blocks(100, seed: 5);
        string Path_(string name) => Path.Combine(folder, name);
        History Fit(Model m, IEnumerable<Callback>? callbacks = null, string? resumeFrom = null, CancellationToken token = default) =>
            m.Fit(train, epochs: 3, batchSize: 32, validationData: validation, seed: 9, verbose: 0, callbacks: callbacks, resumeFrom: resumeFrom,
                strategy: strategy, cancellationToken: token);

        using var a = Build(seed: 3);
        var ha = Fit(a, [new ModelCheckpoint(Path_($"epoch{{epoch}}-r{rank}.kwckpt"), monitor: "loss"), new CsvLogger(Path_($"log-r{rank}.csv")),
            new TensorBoard(Path_($"tensorboard-r{rank}"))]);

        using var b = Build(seed: 3);
        using var cancel = new CancellationTokenSource();
        var hb = Fit(b, [new SaveOnInterrupt(Path_($"interrupted-r{rank}.kwckpt"), handleCtrlC: false), new CancelAt(size - 1, epoch: 1, batch: 4, cancel)], token: cancel.Token);
        Check(hb.Outcome == TrainingOutcome.Interrupted, rank, $"run B was interrupted in every rank (outcome {hb.Outcome}: {hb.StopReason})");
        strategy.Barrier();

        using var c = Build(seed: 99);      // other initial weights: the checkpoint must replace them
        var hc = Fit(c, resumeFrom: Path_("interrupted-r0.kwckpt"));
        using var d = Build(seed: 98);
        var hd = Fit(d, resumeFrom: Path_("epoch2-r0.kwckpt"));

        double dc = MaxDifference(c, a), dd = MaxDifference(d, a);
        var files = Directory.GetFileSystemEntries(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Report(strategy, string.Create(Inv,
            $"rank {rank}: resume interrupted-at={hb.StoppedEpoch}:{hb.StoppedBatch} mid-epoch-diff={dc:R} epoch-end-diff={dd:R} " +
            $"{Figures(hc, ha, ["loss", "accuracy", "f1_score", "val_loss", "val_accuracy"], epoch: 1, prefix: "interrupted-epoch-")} " +
            $"{Figures(hc, ha, ["loss", "accuracy"], prefix: "resumed-last-")} {Figures(hd, ha, ["loss", "accuracy"], prefix: "epoch-end-resumed-last-")} files={string.Join(",", files)}"));
    }

    /// <summary>The last rank's callback throws in the fourth step: Fit must end every rank.</summary>
    private static void Throw(DataParallel strategy)
    {
        using var model = Build(seed: 3);
        var thrower = new LambdaCallback(onTrainBatchEnd: (b, _) =>
        {
            if (strategy.Rank == strategy.WorldSize - 1 && b == 3) throw new InvalidOperationException($"deliberate failure in a callback at batch {b} on rank {strategy.Rank}");
        });
        model.Fit(Blocks(64 * 16, seed: 4), epochs: 50, batchSize: 32, seed: 1, verbose: 0, callbacks: [thrower], strategy: strategy);
        throw new InvalidOperationException("Fit returned although a rank failed.");
    }

    /// <summary>Trains until the test kills the last rank (which prints its pid); gives up after 120 s.</summary>
    private static void Kill(DataParallel strategy)
    {
        using var model = Build(seed: 3);
        var clock = Stopwatch.StartNew();
        var watch = new LambdaCallback(onTrainBatchEnd: (b, _) =>
        {
            if (b == 2 && strategy.Rank == strategy.WorldSize - 1 && clock.Elapsed < TimeSpan.FromSeconds(60))
            {
                Console.WriteLine($"rank {strategy.Rank} pid {Environment.ProcessId} training");
                Console.Out.Flush();
            }
            if (clock.Elapsed > TimeSpan.FromSeconds(120)) model.RequestStop("time limit");
        });
        model.Fit(Blocks(64 * 16, seed: 4), epochs: 100_000, batchSize: 32, seed: 1, verbose: 0, callbacks: [watch], strategy: strategy);
        throw new TimeoutException("The fit-kill probe ran 120 s without being killed.");
    }

    /// <summary>The last rank builds a different model (or passes different data): Fit must refuse at the start, in every rank.</summary>
    private static void Mismatch(DataParallel strategy, bool data)
    {
        bool odd = strategy.Rank == strategy.WorldSize - 1;
        using var model = Build(seed: 3, classes: odd && !data ? 11 : 10);
        var train = Blocks(odd && data ? 600 : 640, seed: 4);
        model.Fit(train, epochs: 1, batchSize: 32, seed: 1, verbose: 0, strategy: strategy);
        Console.WriteLine($"rank {strategy.Rank}: accepted");
    }

    /// <summary>
    /// Throughput on Fashion-MNIST: <c>--model small</c> (the CNN of examples/distributed.cs, 421,642 parameters) or
    /// <c>tutorial</c> (the TensorFlow-tutorial convnet, 3,274,634), both without dropout; <c>--steps</c> steps of
    /// <c>--batch</c> images per rank with <c>--threads</c> libtorch threads. Reports images/s over the steps after the
    /// first 5, the share of that time rank by rank spent in gradient averaging (all-reduces, bucket copies and waiting
    /// for the slower rank), and the averaging alone, timed after training with a barrier before each call.
    /// </summary>
    private static void Measure(DataParallel strategy, string[] args)
    {
        int steps = Option(args, "--steps", 40), batch = Option(args, "--batch", 128), threads = Option(args, "--threads", 1);
        int i = Array.IndexOf(args, "--model");
        string which = i >= 0 && i + 1 < args.Length ? args[i + 1] : "small";
        const int warmup = 5;
        torch.set_num_threads(threads);
        var (train, _) = FashionMnist.Load();
        Reproducibility.SetSeed(1);
        var definition = which switch
        {
            "small" => new Sequential(new Shape(1, 28, 28), "small_cnn")
                .Conv2D(32, 3, padding: Padding.Same, activation: Activation.ReLU).MaxPooling2D(2)
                .Conv2D(64, 3, padding: Padding.Same, activation: Activation.ReLU).MaxPooling2D(2)
                .Flatten().Dense(128, Activation.ReLU).Dense(10),
            "tutorial" => new Sequential(new Shape(1, 28, 28), "tutorial_convnet")
                .Conv2D(32, 5, padding: Padding.Same, activation: Activation.ReLU).MaxPooling2D(2)
                .Conv2D(64, 5, padding: Padding.Same, activation: Activation.ReLU).MaxPooling2D(2)
                .Flatten().Dense(1024, Activation.ReLU).Dense(10),
            _ => throw new ArgumentException($"Unknown --model '{which}'; expected small or tutorial."),
        };
        using var model = definition.Build(ComputeDevice.Cpu).Compile(new Adam(1e-3), new CrossEntropy(), new Accuracy());
        var clock = new Stopwatch();
        TimeSpan averagingAtStart = default;
        var timer = new LambdaCallback(
            onTrainBatchBegin: (b, _) => { if (b == warmup) { averagingAtStart = strategy.AveragingTime; clock.Start(); } },
            onTrainEnd: _ => clock.Stop());
        model.Fit(train, epochs: 1, batchSize: batch, seed: 1, verbose: 0, stepsPerEpoch: steps, callbacks: [timer], strategy: strategy);
        double seconds = clock.Elapsed.TotalSeconds, averaging = (strategy.AveragingTime - averagingAtStart).TotalSeconds;
        var shares = Gather(strategy, averaging / seconds);

        // The averaging alone: the same bucket layout, every rank ready (a barrier first), no training around it.
        var parameters = model.Network.parameters().ToList();
        var grads = parameters.Select(p => ones_like(p)).ToList();
        using var bucketer = new GradientBucketer(strategy.Backend, parameters);
        var alone = new List<double>();
        for (int k = 0; k < 23 && strategy.WorldSize > 1; k++)
        {
            strategy.Barrier();
            var c = Stopwatch.StartNew();
            bucketer.AllReduceWeightedMean(grads, batch);
            if (k >= 3) alone.Add(c.Elapsed.TotalMilliseconds);
        }
        alone.Sort();
        foreach (var g in grads) g.Dispose();
        if (strategy.Rank == 0)
        {
            double images = (double)(steps - warmup) * batch * strategy.WorldSize;
            long count = parameters.Sum(p => p.numel());
            Console.WriteLine(string.Create(Inv,
                $"measure model={which} parameters={count} processes={strategy.WorldSize} threads={threads} batch={batch}x{strategy.WorldSize} steps={steps - warmup} " +
                $"images/s={images / seconds:F1} ms/step={seconds / (steps - warmup) * 1e3:F1} averaging-share={string.Join("/", shares.Select(x => (100 * x).ToString("F1", Inv) + "%"))} " +
                $"averaging-alone-ms={(alone.Count == 0 ? "n/a" : alone[alone.Count / 2].ToString("F2", Inv))} buckets={bucketer.Buckets.Count}"));
        }
    }

    /// <summary>A model whose training step in one rank skips the backward pass of each epoch's first batch.</summary>
    private sealed class SkipsFirstBackward(Input input, SymbolicTensor[] outputs, int skipOnRank)
        : Model([input], outputs, "probe_branches", ComputeDevice.Cpu)
    {
        protected override void TrainStep(StepContext step)
        {
            var outputs = Call(step.Inputs);
            var loss = step.ComputeLoss(outputs);
            if (!(step.Batch == 0 && DataParallelRank == skipOnRank)) step.Backward(loss);
            step.ApplyGradients();
            step.Record(loss, outputs);
        }

        private static int DataParallelRank => new DataParallel().Rank;
    }

    /// <summary>Cancels <c>Fit</c>'s token in one rank only, after a given batch.</summary>
    private sealed class CancelAt(int rank, int epoch, int batch, CancellationTokenSource source) : Callback
    {
        public override void OnTrainBatchEnd(int b, Logs logs)
        {
            if (State!.Strategy.Rank == rank && State.Epoch == epoch && b == batch) source.Cancel();
        }
    }
}
