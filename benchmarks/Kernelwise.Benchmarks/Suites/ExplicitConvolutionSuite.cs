using Kernelwise.Explicit;
using static TorchSharp.torch;
using Slot = Kernelwise.Explicit.ConvolutionWorkspace.Slot;

namespace Kernelwise.Benchmarks.Suites;

/// <summary>
/// The explicit (im2col) Conv2D against libtorch's convolution, forward + backward on the CPU, and where the explicit
/// version spends its time.
/// </summary>
public sealed class ExplicitConvolutionSuite : IBenchmarkSuite
{
    /// <summary>A convolution layer to time: batch, channels in → out, square input and kernel, padding.</summary>
    private sealed record Layer(string Name, int Batch, int InChannels, int Filters, int Size, int Kernel, int Padding)
    {
        public override string ToString() => $"{Name} [{Batch}, {InChannels}→{Filters}, {Size}×{Size}, {Kernel}×{Kernel}, pad {Padding}]";
    }

    /// <inheritdoc />
    public string Name => "explicit";

    /// <inheritdoc />
    public string Description =>
        "Explicit Conv2D (im2col + matrix products, hand-written backward) vs libtorch's conv2d (oneDNN), float32, "
        + "forward + backward (gradients for input, weight and bias), interleaved; then the explicit version's phases timed one by one.";

    /// <inheritdoc />
    public IEnumerable<BenchmarkResult> Run(BenchmarkContext context)
    {
        var layers = context.Quick
            ? new[] { new Layer("tutorial conv2", 16, 32, 64, 14, 5, 2), new Layer("AlexNet conv2", 4, 64, 192, 27, 5, 2) }
            : new[] { new Layer("tutorial conv2", 64, 32, 64, 14, 5, 2), new Layer("AlexNet conv2", 32, 64, 192, 27, 5, 2) };
        foreach (var layer in layers)
        {
            foreach (var result in Compare(layer, context)) yield return result;
            foreach (var result in Phases(layer, context)) yield return result;
        }
        foreach (var result in ChunkSizes(layers[0], context)) yield return result;
    }

    /// <summary>The explicit convolution's forward + backward for several chunk sizes (values per column-matrix chunk).</summary>
    private static IEnumerable<BenchmarkResult> ChunkSizes(Layer layer, BenchmarkContext context)
    {
        using var scope = NewDisposeScope();
        manual_seed(0);
        var x = randn(layer.Batch, layer.InChannels, layer.Size, layer.Size).requires_grad_(true);
        var w = (randn(layer.Filters, layer.InChannels, layer.Kernel, layer.Kernel) * 0.05).requires_grad_(true);
        var b = randn(layer.Filters).requires_grad_(true);
        var saved = Conv2DFunction.ChunkElementsSetting;
        var sizes = new long[] { 1L << 17, 1L << 18, 1L << 19, 1L << 20, 1L << 21, 1L << 22 };
        var cases = new Dictionary<string, Action>();
        foreach (long size in sizes)
        {
            cases[$"{layer} explicit fwd+bwd, chunk {size >> 10} Ki values"] = () =>
            {
                Conv2DFunction.ChunkElementsSetting = size;
                using var step = NewDisposeScope();
                var y = ExplicitConvolution.Conv2D(x, w, b, padding: layer.Padding);
                y.backward(new[] { ones_like(y) });
            };
        }
        try
        {
            var times = Stats.TimeInterleavedMs(cases, context.Repeats, warmup: 2);
            foreach (var (name, samples) in times)
            {
                long size = sizes[cases.Keys.ToList().IndexOf(name)];
                Conv2DFunction.ChunkElementsSetting = size;
                yield return new BenchmarkResult(name, "ms", samples, Note: $"{Conv2DFunction.SamplesPerChunk(Geometry(layer))} sample(s) per chunk");
            }
        }
        finally
        {
            Conv2DFunction.ChunkElementsSetting = saved;
        }
    }

    private static IEnumerable<BenchmarkResult> Compare(Layer layer, BenchmarkContext context)
    {
        using var scope = NewDisposeScope();
        manual_seed(0);
        var x = randn(layer.Batch, layer.InChannels, layer.Size, layer.Size).requires_grad_(true);
        var w = (randn(layer.Filters, layer.InChannels, layer.Kernel, layer.Kernel) * 0.05).requires_grad_(true);
        var b = randn(layer.Filters).requires_grad_(true);
        long[] one = { 1, 1 }, pad = { layer.Padding, layer.Padding };

        Action Step(Func<Tensor> convolution) => () =>
        {
            using var step = NewDisposeScope();
            var y = convolution();
            y.backward(new[] { ones_like(y) });
            x.grad!.zero_();
            w.grad!.zero_();
            b.grad!.zero_();
        };
        Action Forward(Func<Tensor> convolution) => () =>
        {
            using var step = NewDisposeScope();
            using var noGrad = no_grad();
            convolution();
        };
        Tensor Native() => nn.functional.conv2d(x, w, b, one, pad, one, 1);
        Tensor Explicit() => ExplicitConvolution.Conv2D(x, w, b, one, pad, one, 1);

        // Both create .grad on first use; run once so the zeroing in Step has something to zero.
        Step(Native)();
        // The same function with every matrix product handed to libtorch's addmm_ (MKL): what the vector kernels gain.
        Action WithLibtorchProducts(Action body) => () =>
        {
            bool saved = MatrixProduct.UseVectorKernels;
            MatrixProduct.UseVectorKernels = false;
            try { body(); }
            finally { MatrixProduct.UseVectorKernels = saved; }
        };
        string addmm = $"{layer} explicit fwd+bwd, products by addmm_";
        var cases = new Dictionary<string, Action>
        {
            [$"{layer} libtorch fwd+bwd"] = Step(Native),
            [$"{layer} explicit fwd+bwd"] = Step(Explicit),
            [$"{layer} libtorch fwd"] = Forward(Native),
            [$"{layer} explicit fwd"] = Forward(Explicit),
        };
        if (MatrixProduct.UseVectorKernels) cases[addmm] = WithLibtorchProducts(Step(Explicit));
        var measured = Stats.TimeInterleavedWithCpu(cases, context.Repeats, warmup: 2);
        var times = measured.ToDictionary(kv => kv.Key, kv => kv.Value.WallMs);
        var cpu = measured.ToDictionary(kv => kv.Key, kv => kv.Value.CpuMs);
        long chunk = Conv2DFunction.SamplesPerChunk(Geometry(layer));
        string nativeStep = $"{layer} libtorch fwd+bwd", explicitStep = $"{layer} explicit fwd+bwd";
        yield return new BenchmarkResult(nativeStep, "ms", times[nativeStep]);
        yield return new BenchmarkResult(explicitStep, "ms", times[explicitStep], nativeStep, $"{chunk} sample(s) per chunk");
        yield return new BenchmarkResult($"{layer} libtorch fwd", "ms", times[$"{layer} libtorch fwd"]);
        yield return new BenchmarkResult($"{layer} explicit fwd", "ms", times[$"{layer} explicit fwd"], $"{layer} libtorch fwd");
        // Ratios within each round (both ran back to back), which cancel slow drifts in machine load; CPU time (user +
        // system of the whole process) leaves out the time spent waiting for a core on a busy machine.
        yield return new BenchmarkResult($"{layer} explicit/libtorch fwd+bwd, per round", "×", Ratios(times[explicitStep], times[nativeStep]),
            Note: "median of per-round ratios");
        yield return new BenchmarkResult($"{layer} explicit/libtorch fwd+bwd CPU time, per round", "×", Ratios(cpu[explicitStep], cpu[nativeStep]),
            Note: "median of per-round ratios of process CPU time");
        yield return new BenchmarkResult($"{layer} explicit/libtorch fwd, per round", "×",
            Ratios(times[$"{layer} explicit fwd"], times[$"{layer} libtorch fwd"]), Note: "median of per-round ratios");
        if (times.TryGetValue(addmm, out var withAddmm))
        {
            yield return new BenchmarkResult(addmm, "ms", withAddmm, nativeStep, "MatrixProduct.UseVectorKernels off");
            yield return new BenchmarkResult($"{addmm}/libtorch, per round", "×", Ratios(withAddmm, times[nativeStep]),
                Note: "median of per-round ratios");
            yield return new BenchmarkResult($"{addmm}/libtorch CPU time, per round", "×", Ratios(cpu[addmm], cpu[nativeStep]),
                Note: "median of per-round ratios of process CPU time");
        }
    }

    private static double[] Ratios(double[] candidate, double[] baseline) => candidate.Zip(baseline, (c, b) => c / b).ToArray();

    /// <summary>
    /// The explicit convolution's work split into its phases, each run over the whole batch chunk by chunk on the same
    /// reused buffers as the real function: what each costs, and which one dominates.
    /// </summary>
    private static IEnumerable<BenchmarkResult> Phases(Layer layer, BenchmarkContext context)
    {
        using var scope = NewDisposeScope();
        var g = Geometry(layer);
        manual_seed(0);
        var x = randn(layer.Batch, layer.InChannels, layer.Size, layer.Size);
        var w = randn(layer.Filters, g.GroupPatchLength) * 0.05;
        var dy = randn(g.OutputShape);
        long chunk = Conv2DFunction.SamplesPerChunk(g), l = g.Positions, run = g.HasContiguousRuns ? g.RunLength : l;
        long k = g.PatchLength, f = g.Filters;
        // The function's own reused buffers, filled once with ordinary values so that no phase meets denormals.
        var workspace = ConvolutionWorkspace.For(x.device, x.dtype);
        long most = Math.Min(chunk, g.Batch);
        foreach (var (slot, size) in new[] { (Slot.PaddedInput, most * g.InChannels * g.PaddedHeight * g.PaddedWidth), (Slot.Columns, k * most * l),
                     (Slot.Product, f * most * l), (Slot.OutputGradient, f * most * l), (Slot.OutputGradientRuns, f * most * run),
                     (Slot.ColumnGradient, k * most * run), (Slot.PaddedInputGradient, most * g.InChannels * g.PaddedHeight * g.PaddedWidth) })
        {
            workspace.Rent(slot, size).normal_();
        }
        var dw = zeros(f, g.GroupPatchLength);

        void Chunks(Action<long, long> body)
        {
            for (long n0 = 0; n0 < g.Batch; n0 += chunk)
            {
                using var s = NewDisposeScope();
                body(n0, Math.Min(chunk, g.Batch - n0));
            }
        }
        Tensor Padded(long count) => workspace.Rent(Slot.PaddedInput, count, g.InChannels, g.PaddedHeight, g.PaddedWidth);

        var cases = new Dictionary<string, Action>
        {
            ["pad (zero, copy interior)"] = () => Chunks((n0, count) =>
                Padded(count).zero_().narrow(2, g.PaddingHeight, g.Height).narrow(3, g.PaddingWidth, g.Width).copy_(x.narrow(0, n0, count))),
            ["im2col"] = () => Chunks((n0, count) => Im2Col.Fill(Padded(count), workspace.Rent(Slot.Columns, k, count * l), g)),
            ["forward products W·X̂"] = () => Chunks((n0, count) =>
                MatrixProduct.Multiply(workspace.Rent(Slot.Product, f, count * l), w, workspace.Rent(Slot.Columns, k, count * l), accumulate: false)),
            ["output [F,B,L]→[B,F,L]"] = () => Chunks((n0, count) =>
                dy.narrow(0, n0, count).view(count, f, l).permute(1, 0, 2).copy_(workspace.Rent(Slot.Product, f, count, l))),
            ["G as rows [F,B·L]"] = () => Chunks((n0, count) =>
                workspace.Rent(Slot.OutputGradient, f, count, g.OutHeight, g.OutWidth).copy_(dy.narrow(0, n0, count).permute(1, 0, 2, 3))),
            ["∂L/∂W products G·X̂ᵀ"] = () => Chunks((n0, count) =>
                MatrixProduct.MultiplyTransposed(dw, workspace.Rent(Slot.OutputGradient, f, count * l), workspace.Rent(Slot.Columns, k, count * l), accumulate: true)),
            ["∂L/∂X̂ products Wᵀ·G"] = () => Chunks((n0, count) =>
                MatrixProduct.Multiply(workspace.Rent(Slot.ColumnGradient, k, count * run), w.t(), workspace.Rent(Slot.OutputGradientRuns, f, count * run), accumulate: false)),
            ["col2im"] = () => Chunks((n0, count) =>
                Col2Im.Accumulate(workspace.Rent(Slot.ColumnGradient, k, count * run),
                    workspace.Rent(Slot.PaddedInputGradient, count, g.InChannels, g.PaddedHeight, g.PaddedWidth).zero_(), g)),
        };
        var times = Stats.TimeInterleavedMs(cases, context.Repeats, warmup: 2);
        foreach (var (name, samples) in times)
            yield return new BenchmarkResult($"{layer} explicit phase: {name}", "ms", samples, Note: $"whole batch, {chunk} sample(s) per chunk");
    }

    private static Conv2DGeometry Geometry(Layer layer)
        => new(layer.Batch, layer.InChannels, layer.Size, layer.Size, layer.Filters, 1, layer.Kernel, layer.Kernel, 1, 1,
            layer.Padding, layer.Padding, 1, 1);
}
