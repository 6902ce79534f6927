using System.Diagnostics;
using Kernelwise.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Kernelwise.Distributed;

/// <summary>
/// Data-parallel training over MPI — PyTorch's DistributedDataParallel, Horovod, Lightning's <c>strategy="ddp"</c>:
/// every process started by <c>mpirun</c> holds the whole model, trains on its part of every batch, and the processes
/// average their gradients before each update, so they train one model together. A script changes by one argument:
/// <code>
/// var strategy = new DataParallel();                        // MPI under mpirun, otherwise a plain single process
/// var history = model.Fit(train, epochs: 5, batchSize: 64, validationData: test, seed: 42, strategy: strategy);
/// if (strategy.IsPrimary) model.SaveWeights("model.safetensors");   // code after Fit runs in every process
/// </code>
/// and is launched with <c>mpirun -np 2 dotnet MyTraining.dll</c> (docs/distributed.md: hostfiles, Slurm, Kubernetes).
/// </summary>
/// <remarks>
/// <para>What each process does, at the engine's fixed points (<see cref="DistributionStrategy"/>):</para>
/// <list type="bullet">
/// <item><see cref="Setup"/>: refuses processes whose models differ (parameter and buffer names, element types,
/// shapes, and which parameters are trainable), with an error naming the first difference and the rank; then copies
/// rank 0's weights and buffers to every process (also after <c>resumeFrom</c>); lays out the gradient buckets.</item>
/// <item>The data: <c>batchSize</c> is per process. Every process shuffles with rank 0's seed and takes a contiguous
/// part of each global batch of <c>batchSize × WorldSize</c> samples, so 2 processes × 64 train on the same samples,
/// in the same order, as 1 process × 128 — and end with the same weights, to float tolerance, for models without
/// batch normalisation or dropout.</item>
/// <item><see cref="AverageGradients"/>: one small all-reduce of the step's sample counts (and of which parameters
/// have a gradient), then one all-reduce per bucket of about <see cref="BucketCapMb"/> MiB. The result is the gradient
/// of the mean loss over the global batch, short last batches included. Then rank 0's buffers (batch-normalisation
/// running averages) are copied to every process, as DDP's <c>broadcast_buffers</c>.</item>
/// <item>Epoch logs: loss sums, sample counts and metric counts are summed over all processes, so every process
/// reports the figures one process would have (accuracy exactly; the loss to float rounding), and callbacks decide
/// alike everywhere. Only rank 0 prints progress and writes checkpoints, CSV and TensorBoard logs.</item>
/// <item>Randomness: libtorch's generator in every process other than rank 0 is reseeded from its state mixed with
/// the rank, so dropout masks differ between processes (rank 0 draws what a single process would). Augmentation is
/// drawn per sample from the seed, the epoch and the sample's index: the same as in one process.</item>
/// <item>Batch normalisation keeps per-process statistics: in training, each process normalises with the mean and
/// variance of its own part of the batch (64 samples, not 128). Synchronised batch normalisation is not provided.</item>
/// <item>Faults: an exception in any process prints <c>Rank R of N failed; aborting all ranks</c> with the error and
/// ends every process through <see cref="ICollectiveBackend.Abort"/> (exit code <see cref="AbortExitCode"/>); a
/// process that dies is noticed by <c>mpirun</c>, which ends the others. No process is left waiting.</item>
/// </list>
/// <para>Ownership: the parameterless constructor shares one backend per process (MPI can be initialised only once),
/// finalised when the process exits; a backend passed in stays the caller's. The strategy may be reused for several
/// <c>Fit</c> calls.</para>
/// </remarks>
public sealed class DataParallel : DistributionStrategy
{
    /// <summary>The exit code of every process when one fails (<c>MPI_Abort</c>'s error code, <c>mpirun</c>'s exit status).</summary>
    public const int AbortExitCode = 70;

    private static readonly Lazy<ICollectiveBackend> ProcessBackend = new(CreateProcessBackend);

    private readonly Stopwatch _averaging = new();
    private GradientBucketer? _bucketer;
    private TensorPack? _buffers;
    private int _parameterCount;
    private readonly Dictionary<int, Tensor> _placeholders = new();

    /// <summary>
    /// Data parallelism over the processes this one was started with: MPI when an MPI launcher (<c>mpirun</c>,
    /// <c>srun</c>) started it, otherwise an ordinary single-process run. The backend is created on first use and
    /// shared by every <see cref="DataParallel"/> of the process.
    /// </summary>
    /// <param name="bucketCapMb">Size of the gradient buckets in MiB (DDP's <c>bucket_cap_mb</c>).</param>
    /// <exception cref="DllNotFoundException">Started by an MPI launcher, but Open MPI's library is missing (the message names the package).</exception>
    public DataParallel(double bucketCapMb = GradientBucketer.DefaultBucketCapMb)
        : this(ProcessBackend.Value, bucketCapMb)
    {
    }

    /// <summary>Data parallelism over <paramref name="backend"/>'s processes (the caller keeps and disposes the backend).</summary>
    /// <param name="backend">The group to train with.</param>
    /// <param name="bucketCapMb">Size of the gradient buckets in MiB (DDP's <c>bucket_cap_mb</c>).</param>
    public DataParallel(ICollectiveBackend backend, double bucketCapMb = GradientBucketer.DefaultBucketCapMb)
    {
        ArgumentNullException.ThrowIfNull(backend);
        Backend = backend;
        BucketCapMb = Guard.Positive(bucketCapMb);
    }

    /// <summary>The collectives the processes train with (<see cref="MpiBackend"/> under <c>mpirun</c>).</summary>
    public ICollectiveBackend Backend { get; }

    /// <summary>Target size of a gradient bucket, in MiB.</summary>
    public double BucketCapMb { get; }

    /// <inheritdoc />
    public override int Rank => Backend.Rank;

    /// <inheritdoc />
    public override int WorldSize => Backend.Size;

    /// <summary>
    /// Wall-clock time this process has spent averaging gradients (the all-reduces, the copies into and out of the
    /// buckets, the buffer broadcast, and waiting for slower processes), over every <c>Fit</c> with this strategy.
    /// </summary>
    public TimeSpan AveragingTime => _averaging.Elapsed;

    /// <summary>Number of updates whose gradients were averaged, over every <c>Fit</c> with this strategy.</summary>
    public long Averagings { get; private set; }

    /// <summary>The gradient buckets of the current or last <c>Fit</c> (tensor indices, bytes); empty in a single process.</summary>
    public IReadOnlyList<(IReadOnlyList<int> Tensors, long Bytes)> Buckets => _bucketer?.Buckets ?? [];

    /// <inheritdoc />
    /// <remarks>An exception in this process ends every process (see the class remarks); in a single process it propagates unchanged.</remarks>
    public override History Run(Func<History> fit)
    {
        ArgumentNullException.ThrowIfNull(fit);
        return Backend.RunOrAbort(fit, AbortExitCode);
    }

    /// <inheritdoc />
    public override void Setup(Trainer model)
    {
        ArgumentNullException.ThrowIfNull(model);
        TearDown();
        SeparateRandomStream();
        if (WorldSize == 1) return;
        var network = model.Network;
        var parameters = network.named_parameters().ToList();
        var buffers = network.named_buffers().ToList();
        // Which parameters train is part of the model: the gradient buckets are laid out from them.
        Backend.EnsureSameTensors(
            parameters.Select(p => ($"{p.name} ({(p.parameter.requires_grad ? "trainable" : "frozen")})", (Tensor)p.parameter))
                .Concat(buffers.Select(b => ($"{b.name} (buffer)", b.buffer))),
            what: $"model '{model.Name}'");
        Backend.BroadcastTensors(parameters.Select(p => (Tensor)p.parameter).Concat(buffers.Select(b => b.buffer)), root: 0);

        var trainable = network.parameters().Where(p => p.requires_grad).ToList();
        _parameterCount = trainable.Count;
        _bucketer = new GradientBucketer(Backend, trainable, BucketCapMb);
        var floating = buffers.Select(b => b.buffer).Where(b => b.numel() > 0).ToList();
        _buffers = floating.Count == 0 ? null : new TensorPack(floating, new torch.Device(Backend.DeviceType));
    }

    /// <inheritdoc />
    public override void AverageGradients(IReadOnlyList<Parameter> parameters, long localSamples)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (WorldSize == 1) return;
        var bucketer = _bucketer ?? throw new InvalidOperationException("DataParallel.AverageGradients was called before Setup: Fit calls Setup first.");
        if (parameters.Count != _parameterCount)
            throw new ArgumentException($"DataParallel laid out its gradient buckets for {_parameterCount} trainable parameters at the start of Fit; received {parameters.Count}. Freeze or unfreeze layers before Fit, not during it.", nameof(parameters));
        Guard.NonNegative(localSamples, nameof(localSamples));
        _averaging.Start();
        try
        {
            using var noGrad = no_grad();
            // One small all-reduce first: the step's samples in all processes, and which parameters have a gradient somewhere.
            var header = new double[1 + parameters.Count];
            header[0] = localSamples;
            var grads = new Tensor?[parameters.Count];
            for (int i = 0; i < parameters.Count; i++)
            {
                grads[i] = parameters[i].grad;
                header[1 + i] = grads[i] is null ? 0 : 1;
            }
            Backend.AllReduceSum(header.AsSpan());
            double total = header[0];
            // Each process contributes (its samples / all samples) × its mean gradient: the sum is the whole batch's mean
            // gradient. Were no process to have samples (a whole batch of unreadable files), the plain mean is taken.
            double share = total > 0 ? localSamples / total : 1.0 / WorldSize;
            var reduced = new Tensor[parameters.Count];
            for (int i = 0; i < parameters.Count; i++)
            {
                if (grads[i] is { } g)
                {
                    if (share != 1.0) g.mul_(share);
                    reduced[i] = g;
                }
                else if (header[1 + i] > 0)
                {
                    // Unused here but used elsewhere: this process adds zeros and applies the same update as the others.
                    var zero = zeros_like(parameters[i]);
                    parameters[i].grad = zero;
                    reduced[i] = zero;
                }
                else
                {
                    // No process has a gradient: the parameter keeps none (the optimizer leaves it alone everywhere).
                    if (!_placeholders.TryGetValue(i, out var placeholder))
                        _placeholders[i] = placeholder = zeros_like(parameters[i]).DetachFromDisposeScope();
                    reduced[i] = placeholder;
                }
            }
            bucketer.AllReduce(reduced, 1.0);
            foreach (var p in _placeholders.Values) p.zero_();
            _buffers?.Broadcast(Backend, root: 0);
            Averagings++;
        }
        finally
        {
            _averaging.Stop();
        }
    }

    /// <inheritdoc />
    public override void SumAcrossProcesses(double[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        Backend.AllReduceSum(values.AsSpan());
    }

    /// <inheritdoc />
    public override void Barrier() => Backend.Barrier();

    /// <inheritdoc />
    public override void OnRandomStateRestored() => SeparateRandomStream();

    /// <inheritdoc />
    public override void TearDown()
    {
        _bucketer?.Dispose();
        _bucketer = null;
        _buffers?.Dispose();
        _buffers = null;
        foreach (var p in _placeholders.Values) p.Dispose();
        _placeholders.Clear();
    }

    /// <summary>
    /// Gives this process a random stream of its own: rank 0 keeps libtorch's generator as it is (what one process
    /// would draw); every other rank reseeds it from a draw of the generator mixed with its rank. Deterministic for a
    /// given seed.
    /// </summary>
    private void SeparateRandomStream()
    {
        if (Rank == 0) return;
        ulong drawn;
        using (var draw = randint(0, int.MaxValue, new long[] { 2 }, dtype: ScalarType.Int64))
            drawn = ((ulong)draw[0].item<long>() << 31) ^ (ulong)draw[1].item<long>();
        ulong x = drawn ^ (0x9E3779B97F4A7C15UL * (ulong)(Rank + 1));
        // SplitMix64's finaliser: nearby ranks get unrelated seeds.
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        x ^= x >> 31;
        long seed = (long)(x >> 1);
        manual_seed(seed);
        if (ComputeDevice.CudaAvailable) torch.cuda.manual_seed_all(seed);
    }

    private static ICollectiveBackend CreateProcessBackend()
    {
        var backend = Collectives.FromEnvironment();
        if (backend is MpiBackend)
        {
            // MPI_Finalize once the program ends normally (every process reaches it; it synchronises them).
            AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            {
                try
                {
                    backend.Dispose();
                }
                catch (Exception e)
                {
                    Console.Error.WriteLine($"Rank {backend.Rank} of {backend.Size}: finalising MPI at exit failed: {e.Message}");
                }
            };
        }
        return backend;
    }
}
