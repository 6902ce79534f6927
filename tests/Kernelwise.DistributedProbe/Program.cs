using System.Diagnostics;
using System.Globalization;
using Kernelwise.Distributed;
using TorchSharp;
using static TorchSharp.torch;

// Usage: Kernelwise.DistributedProbe <mode> [arguments]
// One rank of a multi-process check, started by mpirun (or alone, as a single process). Modes:
//   collectives      all-reduce and broadcast of tensors and buffers; prints "rank R: collectives ok"
//   bucketing        bucketed gradient averaging equals the gradient of the whole batch; prints "rank R: bucketing ok max-diff D"
//   mismatch         rank 1 builds a different model; every rank must refuse it; prints "rank R: refused: <message>"
//   throw            rank 1 throws at step 5; RunOrAbort aborts the job
//   kill             all ranks all-reduce in a loop; rank 1 prints "rank 1 pid P ready" and waits to be killed
//   bandwidth [MiB…] all-reduce throughput of float32 buffers; rank 0 prints one line per size
// Data-parallel Fit with `new DataParallel()` (FitChecks.cs):
//   fit-compare [--steps S --batch B]  N ranks × B against 1 process × N·B: weights and epoch metrics; rank 0 prints,
//                                      last, "largest weight difference: D"
//   fit-resume <folder>                 resume from an interrupted and from an epoch-end checkpoint; who wrote files
//   fit-throw | fit-kill                a callback throws in the last rank | the last rank waits to be killed
//   fit-mismatch [--data]               the last rank builds a different model (or passes different data)
//   fit-measure [--steps S --batch B --threads T]   images/s and gradient-averaging share on Fashion-MNIST
// Any failed check aborts every rank (exit code 3), so a failing probe never leaves another rank waiting.
if (args.Length == 0)
{
    Console.Error.WriteLine("Usage: Kernelwise.DistributedProbe collectives|bucketing|mismatch|throw|kill|bandwidth [MiB...]|fit-compare|fit-resume <folder>|fit-throw|fit-kill|fit-mismatch [--data]|fit-measure");
    return 2;
}
torch.set_num_threads(1);
if (args[0].StartsWith("fit-", StringComparison.Ordinal)) return Kernelwise.DistributedProbe.FitChecks.Run(args);
using var backend = Collectives.FromEnvironment();
int rank = backend.Rank, size = backend.Size;
Console.WriteLine($"rank {rank} of {size}: backend {backend.Name}; launch {MpiLaunch.Detect()?.Source ?? "none"}");

backend.RunOrAbort(() =>
{
    switch (args[0])
    {
        case "collectives": Collectives_(); break;
        case "bucketing": Bucketing(); break;
        case "mismatch": Mismatch(); break;
        case "throw": Throw(); break;
        case "kill": Kill(); break;
        case "bandwidth": Bandwidth(args.Skip(1).Select(a => double.Parse(a, CultureInfo.InvariantCulture)).DefaultIfEmpty().ToArray()); break;
        default: throw new ArgumentException($"Unknown mode '{args[0]}'.");
    }
}, errorCode: 3);
backend.Barrier();
return 0;

void Check(bool condition, string what)
{
    if (!condition) throw new InvalidOperationException($"Check failed on rank {rank}: {what}");
}

void Collectives_()
{
    long triangle = (long)size * (size + 1) / 2;            // Σ (r + 1) over the ranks

    // A float32 tensor: rank r holds arange·(r+1); the sum is arange·Σ(r+1).
    using var f = arange(0, 100_000, dtype: ScalarType.Float32) * (rank + 1);
    using var expectedF = arange(0, 100_000, dtype: ScalarType.Float32) * triangle;
    backend.AllReduceSum(f);
    Check(f.allclose(expectedF, rtol: 1e-6, atol: 0), "float32 all-reduce");

    // float64 and int64 tensors, and a 0-dimensional one.
    using var d = full(new long[] { 3, 7 }, 0.5 * (rank + 1), ScalarType.Float64);
    backend.AllReduceSum(d);
    Check(d.allclose(full(new long[] { 3, 7 }, 0.5 * triangle, ScalarType.Float64)), "float64 all-reduce");
    using var l = tensor(new long[] { rank, 1, 1L << 40 });
    backend.AllReduceSum(l);
    Check(l[0].item<long>() == (long)size * (size - 1) / 2 && l[1].item<long>() == size && l[2].item<long>() == size * (1L << 40), "int64 all-reduce");
    using var scalar = tensor((float)rank);
    backend.AllReduceSum(scalar);
    Check(scalar.item<float>() == size * (size - 1) / 2f, "0-d all-reduce");

    // A view into a larger tensor (contiguous, with a storage offset): only that part changes.
    using var whole = ones(10, dtype: ScalarType.Float32);
    using (var part = whole.narrow(0, 2, 5)) backend.AllReduceSum(part);
    Check(whole[0].item<float>() == 1 && whole[2].item<float>() == size && whole[6].item<float>() == size && whole[7].item<float>() == 1, "all-reduce of a narrowed view");

    // Spans.
    var floats = new float[] { rank, 2 };
    backend.AllReduceSum(floats.AsSpan());
    Check(floats[0] == size * (size - 1) / 2f && floats[1] == 2 * size, "float span all-reduce");
    var doubles = new double[] { 0.25 * rank };
    backend.AllReduceSum(doubles.AsSpan());
    Check(doubles[0] == 0.25 * size * (size - 1) / 2, "double span all-reduce");
    var longs = new long[] { rank + 1 };
    backend.AllReduceSum(longs.AsSpan());
    Check(longs[0] == triangle, "long span all-reduce");

    // Broadcast from the last rank: a float tensor, an int64 tensor and a byte span.
    int root = size - 1;
    using var b = full(new long[] { 4, 5 }, (float)rank, ScalarType.Float32);
    backend.Broadcast(b, root);
    Check(b.eq(root).all().item<bool>(), "float32 broadcast");
    using var counter = tensor(new long[] { 100 + rank });
    backend.Broadcast(counter, root);
    Check(counter.item<long>() == 100 + root, "int64 broadcast");
    var bytes = new byte[] { (byte)rank, 7 };
    backend.Broadcast(bytes, root);
    Check(bytes[0] == root && bytes[1] == 7, "byte broadcast");

    // BroadcastTensors makes rank 0's weights everyone's, through a copy for a non-contiguous one.
    using var w = full(new long[] { 3, 4 }, (float)rank, ScalarType.Float32);
    using var wt = w.t();
    backend.BroadcastTensors([wt]);
    Check(w.eq(0).all().item<bool>(), "BroadcastTensors of a transposed view");

    // Refusals (the same on every rank, so no collective is left half-done).
    using var strided = zeros(4, 4).t();
    Check(Throws<ArgumentException>(() => backend.AllReduceSum(strided), "non-contiguous"), "a non-contiguous tensor is refused");
    using var half = zeros(4, dtype: ScalarType.Float16);
    Check(Throws<ArgumentException>(() => backend.AllReduceSum(half), "Float16"), "a float16 tensor is refused");
    Check(Throws<ArgumentOutOfRangeException>(() => backend.Broadcast(b, size), $"root={size}"), "a root outside the group is refused");

    backend.EnsureSameTensors([("w", w), ("b", b)]);

    // Open MPI leaves signal handlers that exist before MPI_Init alone: .NET's own still turn faults into exceptions.
    object? nothing = null;
    Check(Throws<NullReferenceException>(() => _ = nothing!.GetHashCode(), ""), "a null dereference is a NullReferenceException under MPI");
    int zero = size - size;
    Check(Throws<DivideByZeroException>(() => _ = 1 / zero, ""), "an integer division by zero is a DivideByZeroException under MPI");
    backend.Barrier();
    Console.WriteLine($"rank {rank}: collectives ok");
}

void Bucketing()
{
    // A small convnet; every rank starts from the same weights (seeded, then broadcast from rank 0 for good measure).
    manual_seed(11);
    var net = nn.Sequential(
        ("conv", nn.Conv2d(1, 8, 3)), ("relu", nn.ReLU()), ("flatten", nn.Flatten()),
        ("dense", nn.Linear(8 * 6 * 6, 10)));
    var parameters = net.parameters().ToList();
    backend.EnsureSameTensors(net.named_parameters().Select(p => (p.name, (Tensor)p.parameter)));
    backend.BroadcastTensors(parameters);
    using var bucketer = new GradientBucketer(backend, parameters, bucketCapMb: 0.005);   // tiny buckets: several per step
    Check(size == 1 || bucketer.Buckets.Count > 1, $"several buckets (got {bucketer.Buckets.Count})");

    // Equal parts (4 samples per rank) averaged with AllReduceMean; unequal parts (4·size − 1 samples, a last short
    // batch) averaged with AllReduceWeightedMean by each rank's sample count.
    double maxDiff = 0;
    foreach (var (global, weighted) in new[] { (4 * size, false), (4 * size - 1, true) })
    {
        var gen = new Generator(seed: (ulong)(99 + global));
        using var x = randn(new long[] { global, 1, 8, 8 }, generator: gen);
        using var y = randint(0, 10, new long[] { global }, generator: gen);

        // What one process computes on the whole batch.
        net.zero_grad();
        using (var loss = nn.functional.cross_entropy(net.forward(x), y)) loss.backward();
        var whole = parameters.Select(p => p.grad!.clone()).ToList();

        // What this rank computes on its part (the data loader's split of a global batch), averaged over the ranks.
        net.zero_grad();
        int start = global * rank / size, count = global * (rank + 1) / size - start;
        using (var xs = x.narrow(0, start, count))
        using (var ys = y.narrow(0, start, count))
        using (var loss = nn.functional.cross_entropy(net.forward(xs), ys)) loss.backward();
        var grads = parameters.Select(p => p.grad!).ToList();
        if (weighted) bucketer.AllReduceWeightedMean(grads, count);
        else bucketer.AllReduceMean(grads);

        double diff = grads.Zip(whole).Max(p => (p.First - p.Second).abs().max().item<float>());
        Check(diff < 1e-6, $"bucketed {(weighted ? "weighted " : "")}mean over parts of {global} samples equals the whole-batch gradient (max difference {diff})");
        maxDiff = Math.Max(maxDiff, diff);

        // Every rank holds the same result, bit for bit (rank 0's broadcast changes nothing).
        foreach (var g in grads)
        {
            using var copy = g.clone();
            backend.Broadcast(copy, 0);
            Check(copy.equal(g).all().item<bool>(), "every rank holds the same averaged gradient");
        }
        foreach (var w in whole) w.Dispose();
    }
    Console.WriteLine($"rank {rank}: bucketing ok buckets {bucketer.Buckets.Count} max-diff {maxDiff.ToString("R", CultureInfo.InvariantCulture)}");
}

void Mismatch()
{
    using var a = zeros(3, 4);
    using var b = zeros(rank == 1 ? 5 : 4);
    try
    {
        backend.EnsureSameTensors([("dense.weight", a), ("dense.bias", b)]);
        Console.WriteLine($"rank {rank}: accepted");
    }
    catch (InvalidOperationException e)
    {
        Console.WriteLine($"rank {rank}: refused: {e.Message}");
    }
}

void Throw()
{
    using var t = ones(1000);
    for (int step = 0; step < 1_000_000; step++)
    {
        if (rank == 1 && step == 5) throw new InvalidOperationException($"deliberate failure at step {step}");
        backend.AllReduceSum(t);
        t.fill_(1);
    }
}

void Kill()
{
    using var t = ones(1000);
    var clock = Stopwatch.StartNew();
    for (int step = 0; clock.Elapsed < TimeSpan.FromSeconds(120); step++)
    {
        backend.AllReduceSum(t);
        t.fill_(1);
        if (step == 20 && rank == 1) Console.WriteLine($"rank 1 pid {Environment.ProcessId} ready");
    }
    throw new TimeoutException("The kill probe ran 120 s without being killed.");
}

void Bandwidth(double[] sizesMiB)
{
    if (sizesMiB.Length == 0 || sizesMiB is [0]) sizesMiB = [0.0625, 1, 16, 64, 256];
    if (rank == 0) Console.WriteLine($"all-reduce, float32, {size} rank(s): MiB, ms per call (median), algorithm MB/s (size/time), bus MB/s (size·2(n−1)/n/time)");
    foreach (double mib in sizesMiB)
    {
        long elements = (long)(mib * 1024 * 1024 / sizeof(float));
        using var buffer = ones(elements);
        for (int i = 0; i < 3; i++) backend.AllReduceSum(buffer);        // warm-up: first touch, connections
        var times = new List<double>();
        var total = Stopwatch.StartNew();
        while (true)
        {
            backend.Barrier();
            var clock = Stopwatch.StartNew();
            backend.AllReduceSum(buffer);
            times.Add(clock.Elapsed.TotalSeconds);
            // Rank 0 decides when to stop, so every rank makes the same number of calls.
            var more = new long[] { times.Count < 5 || (total.Elapsed.TotalSeconds < 2 && times.Count < 200) ? 1 : 0 };
            backend.Broadcast(System.Runtime.InteropServices.MemoryMarshal.AsBytes(more.AsSpan()), 0);
            if (more[0] == 0) break;
        }
        times.Sort();
        double median = times[times.Count / 2], bytes = elements * 4.0;
        if (rank == 0)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"allreduce MiB {mib} ms {median * 1e3:F3} algbw-MB/s {bytes / median / 1e6:F0} busbw-MB/s {bytes * 2 * (size - 1) / size / median / 1e6:F0} calls {times.Count}"));
        }
    }
    // The whole per-step cost the engine will pay: the TensorFlow-tutorial convnet's gradients (3,274,634 float32)
    // copied into 25 MiB buckets, all-reduced and copied back scaled.
    long[][] shapes = [[32, 1, 5, 5], [32], [64, 32, 5, 5], [64], [1024, 3136], [1024], [10, 1024], [10]];
    var grads = shapes.Select(s => ones(s)).ToList();
    using var bucketer = new GradientBucketer(backend, grads);
    var steps = new List<double>();
    for (int i = 0; i < 23; i++)
    {
        backend.Barrier();
        var clock = Stopwatch.StartNew();
        bucketer.AllReduceMean(grads);
        if (i >= 3) steps.Add(clock.Elapsed.TotalSeconds);
    }
    steps.Sort();
    long parameters = shapes.Sum(s => s.Aggregate(1L, (a, b) => a * b));
    if (rank == 0)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"bucketed mean, TF-tutorial convnet ({parameters} float32, {bucketer.Buckets.Count} bucket(s)): ms per step {steps[steps.Count / 2] * 1e3:F3} (median of {steps.Count})"));
    }
    foreach (var g in grads) g.Dispose();
}

static bool Throws<T>(Action action, string messagePart) where T : Exception
{
    try { action(); }
    catch (T e) { return e.Message.Contains(messagePart, StringComparison.Ordinal); }
    return false;
}
