using System.Globalization;
using Kernelwise.Benchmarks.Workloads;
using Kernelwise.Export;
using Kernelwise.Models;
using Kernelwise.OnnxRuntime;
using Kernelwise.Zoo;
using TorchSharp;
using static TorchSharp.torch;

namespace Kernelwise.Benchmarks.Suites;

/// <summary>
/// Inference against ONNX Runtime: Kernelwise's <c>Model.Predict</c>, a hand-written TorchSharp eval loop, Kernelwise's
/// ONNX Runtime predictor (<see cref="OnnxPredictor"/>) and a hand-written ONNX Runtime session, all on the same model
/// and weights, batch-1 latency and batch-256 throughput, at each thread count, interleaved in one process.
/// </summary>
public sealed class OnnxRuntimeSuite : IBenchmarkSuite
{
    private const int BatchSize = 256;
    private const int Seed = 42;

    private static readonly string[] NetworkNames = { "convnet", "resnet" };

    /// <inheritdoc />
    public string Name => "onnxruntime";

    /// <inheritdoc />
    public string Description =>
        "Inference on the same model and weights by four engines: Kernelwise Model.Predict, a hand-written TorchSharp eval loop (no_grad, eval mode; " +
        "for the ResNet the loop runs Kernelwise's own modules), Kernelwise's ONNX Runtime predictor (Kernelwise.OnnxRuntime, model exported in memory) and " +
        "a hand-written ONNX Runtime session on float[] (the same exported bytes); ONNX Runtime 1.31.1, CPU provider, all graph optimizations, sequential execution. " +
        "Networks: convnet (the TensorFlow-tutorial 2-convolution network) and resnet (ResNet-18, small-image stem, width 16, 1×28×28 → 10). " +
        "Both networks are first trained for one epoch on 5,120 Fashion-MNIST training images (1,024 with --quick; the hand-written convnet gets the same weights), then run on real Fashion-MNIST test images. Batch-1 latency: every round runs 100 single-image calls per engine (20 with --quick), engines in alternating order; " +
        "median and p90 over all calls; the paired rows are medians of per-round ratios of the engines' round medians. Batch-256 throughput: one sample is one pass over " +
        "2,560 images (512 with --quick) in batches of 256, interleaved A B C D, D C B A …. libtorch and ONNX Runtime get the same number of intra-op threads " +
        "(2, then 1; --set threads=2,1). Speed ratios above 1 mean the first engine named is faster. Outputs are compared as the largest absolute difference from Model.Predict over the pass's images. " +
        "Settings: networks, threads, images, calls, train-images, spinning=on|off (ONNX Runtime's idle threads spin by default).";

    /// <inheritdoc />
    public IEnumerable<BenchmarkResult> Run(BenchmarkContext context)
    {
        int images = context.Setting("images", context.Quick ? 512 : 2560);
        int calls = context.Setting("calls", context.Quick ? 20 : 100);
        int trainImages = context.Setting("train-images", context.Quick ? 1024 : 5120);
        int rounds = context.RepeatsOr(context.Quick ? 3 : 7);
        bool spinning = context.Setting("spinning", "on") switch
        {
            "on" => true,
            "off" => false,
            var other => throw new ArgumentException($"Invalid value for setting spinning. Expected on or off. Received spinning={other}."),
        };
        var threadCounts = context.Setting("threads", "2,1").Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(t => int.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n > 0
                ? n
                : throw new ArgumentException($"Invalid value for setting threads. Expected positive integers separated by commas. Received threads={context.Setting("threads", "")}."))
            .ToArray();
        var networks = context.Setting("networks", string.Join(',', NetworkNames)).Split(',', StringSplitOptions.RemoveEmptyEntries);
        foreach (var net in networks.Where(n => !NetworkNames.Contains(n)))
            throw new ArgumentException($"Unknown network '{net}' for the onnxruntime suite. Expected one of: {string.Join(", ", NetworkNames)}.");

        using var test = FashionMnistData.Test.Take(images);
        var inputs = test.Inputs.contiguous();
        float[] allPixels = inputs.data<float>().ToArray();
        int sampleSize = 28 * 28;
        var singleImages = Enumerable.Range(0, images).Select(i => inputs.narrow(0, i, 1)).ToArray();
        var singlePixels = Enumerable.Range(0, images).Select(i => allPixels.AsSpan(i * sampleSize, sampleSize).ToArray()).ToArray();
        try
        {
            foreach (var net in networks)
            {
                using var model = BuildKernelwise(net);
                // Trained briefly, so that the outputs compared below have the magnitudes of a real classifier's logits.
                var clock = System.Diagnostics.Stopwatch.StartNew();
                using (var train = FashionMnistData.Train.Take(trainImages)) model.Fit(train, epochs: 1, batchSize: 128, seed: Seed, verbose: 0);
                Console.Error.WriteLine($"  {net}: trained one epoch on {trainImages:N0} images in {clock.Elapsed.TotalSeconds:0} s");
                using var hand = net == "convnet"
                    ? Networks.BuildHandWritten("convnet", Seed)
                    : new HandWrittenLoop(model.GraphModule, 1e-3, Seed, ownsNetwork: false);
                if (net == "convnet") CopyWeights(model.GraphModule, hand.Net);
                string handName = net == "convnet" ? "hand-written TorchSharp" : "hand-written loop (Kernelwise's modules)";
                bool sameWeights = Networks.SameInitialWeights(model.GraphModule, hand.Net);
                byte[] onnx = model.ToOnnxBytes();
                Console.Error.WriteLine($"  {net}: {model.Network.parameters().Sum(p => p.numel()):N0} parameters, ONNX model {onnx.Length / 1024.0 / 1024.0:0.0} MiB, " +
                                        $"{(net == "convnet" ? $"hand-written network has the trained weights: {sameWeights}" : "hand-written loop runs the model's own modules")}");
                foreach (int threads in threadCounts)
                {
                    set_num_threads(threads);
                    using var predictor = model.ToOnnxPredictor(new OnnxPredictorOptions { IntraOpThreads = threads, AllowSpinning = spinning });
                    using var raw = new HandWrittenOnnxRuntime(onnx, model.InputShape, model.OutputShape, threads, spinning);
                    string at = $"{net}, {threads} thread{(threads == 1 ? "" : "s")}";
                    Console.Error.WriteLine($"  {at}: batch-1 latency, {rounds} rounds × {calls} calls per engine");

                    // ---- batch 1: latency of single calls
                    hand.Net.eval();
                    var latency = Stats.TimeCallsInterleaved(new Dictionary<string, Action<int>>
                    {
                        ["kw"] = i => { using var y = model.Predict(singleImages[i % images], batchSize: 1); },
                        ["hand"] = i => { using (no_grad()) { using var y = hand.Net.forward(singleImages[i % images]); } },
                        ["ort"] = i => { using var y = predictor.Predict(singleImages[i % images], batchSize: 1); },
                        ["raw"] = i => raw.Predict(singlePixels[i % images]),
                    }, rounds, calls, warmupCalls: 20);
                    hand.Net.train();
                    foreach (var r in LatencyRows(at, handName, latency)) yield return r;

                    // ---- batch 256: throughput over the pass
                    Console.Error.WriteLine($"  {at}: batch-256 throughput, {rounds} passes of {images} images per engine");
                    Tensor? kwOut = null, handOut = null, ortOut = null;
                    float[]? rawOut = null;
                    var pass = Stats.TimeInterleavedWithCpu(new Dictionary<string, Action>
                    {
                        ["kw"] = () => Keep(ref kwOut, model.Predict(inputs, BatchSize)),
                        ["hand"] = () => Keep(ref handOut, hand.Predict(inputs, BatchSize)),
                        ["ort"] = () => Keep(ref ortOut, predictor.Predict(inputs, BatchSize)),
                        ["raw"] = () => rawOut = raw.Predict(allPixels, BatchSize),
                    }, rounds, warmup: 1);
                    foreach (var r in ThroughputRows(at, handName, images, pass)) yield return r;

                    using (kwOut) using (handOut) using (ortOut)
                    using (var rawTensor = tensor(rawOut!, kwOut!.shape))
                    {
                        float magnitude;
                        using (NewDisposeScope()) magnitude = kwOut.abs().max().item<float>();
                        string over = $"over {images:N0} images, batch 256; outputs up to {magnitude:0.0} in magnitude";
                        yield return Difference($"{at}: outputs, ONNX Runtime predictor vs Model.Predict", ortOut!, kwOut, over);
                        yield return Difference($"{at}: outputs, hand-written ONNX Runtime vs Model.Predict", rawTensor, kwOut, over);
                        yield return Difference($"{at}: outputs, {handName} vs Model.Predict", handOut!, kwOut, over);
                    }
                }
            }
        }
        finally
        {
            set_num_threads(context.Threads > 0 ? context.Threads : Environment.ProcessorCount);
            foreach (var t in singleImages) t.Dispose();
            inputs.Dispose();
        }
    }

    /// <summary>The convnet or ResNet-18 for small images at width 16, built on the CPU and compiled (Adam 1e-3, cross-entropy).</summary>
    private static Model BuildKernelwise(string net)
    {
        if (net == "convnet") return Networks.BuildKernelwise("convnet", Seed);
        manual_seed(Seed);
        return ModelZoo.ResNet18(numClasses: 10, inputChannels: 1, inputSize: 28, variant: ZooVariant.SmallImages, width: 16)
            .Build(ComputeDevice.Cpu).Compile(new Adam(1e-3), new CrossEntropy(), new Accuracy());
    }

    /// <summary>Copies the trained parameters of <paramref name="from"/> into the same-shaped parameters of <paramref name="to"/>, in order.</summary>
    private static void CopyWeights(nn.Module<Tensor, Tensor> from, nn.Module<Tensor, Tensor> to)
    {
        var source = from.parameters().ToList();
        var target = to.parameters().ToList();
        if (source.Count != target.Count || source.Zip(target).Any(p => !p.First.shape.SequenceEqual(p.Second.shape)))
            throw new InvalidOperationException($"The hand-written network's {target.Count} parameters do not match the model's {source.Count} in order and shape.");
        using (no_grad())
        {
            foreach (var (s, t) in source.Zip(target)) t.copy_(s);
        }
    }

    private static void Keep(ref Tensor? slot, Tensor value)
    {
        slot?.Dispose();
        slot = value;
    }

    private static IEnumerable<BenchmarkResult> LatencyRows(string at, string handName, Dictionary<string, (double[][] CallUs, double[] CpuMs)> t)
    {
        double[] All(string k) => t[k].CallUs.SelectMany(r => r).ToArray();
        double[] RoundMedians(string k) => t[k].CallUs.Select(r => Stats.Median(r)).ToArray();
        string P90(string k) => $"p90 {Stats.Percentile(All(k), 0.9):0} µs";
        string kw = $"{at}: batch-1 latency, Kernelwise Predict";
        yield return new BenchmarkResult(kw, "µs", All("kw"), Note: P90("kw"));
        yield return new BenchmarkResult($"{at}: batch-1 latency, {handName}", "µs", All("hand"), Baseline: kw, Note: P90("hand"));
        yield return new BenchmarkResult($"{at}: batch-1 latency, ONNX Runtime predictor", "µs", All("ort"), Baseline: kw, Note: P90("ort"));
        yield return new BenchmarkResult($"{at}: batch-1 latency, hand-written ONNX Runtime session", "µs", All("raw"), Baseline: kw, Note: P90("raw"));
        foreach (var row in SpeedRows(at, "batch 1", handName, RoundMedians, k => t[k].CpuMs)) yield return row;
    }

    private static IEnumerable<BenchmarkResult> ThroughputRows(string at, string handName, int images, Dictionary<string, (double[] WallMs, double[] CpuMs)> t)
    {
        string kw = $"{at}: batch-256 throughput, Kernelwise Predict";
        yield return new BenchmarkResult(kw, "images/s", Stats.PerSecond(t["kw"].WallMs, images), HigherIsBetter: true);
        yield return new BenchmarkResult($"{at}: batch-256 throughput, {handName}", "images/s", Stats.PerSecond(t["hand"].WallMs, images), Baseline: kw, HigherIsBetter: true);
        yield return new BenchmarkResult($"{at}: batch-256 throughput, ONNX Runtime predictor", "images/s", Stats.PerSecond(t["ort"].WallMs, images), Baseline: kw, HigherIsBetter: true);
        yield return new BenchmarkResult($"{at}: batch-256 throughput, hand-written ONNX Runtime session", "images/s", Stats.PerSecond(t["raw"].WallMs, images), Baseline: kw, HigherIsBetter: true);
        foreach (var row in SpeedRows(at, "batch 256", handName, k => t[k].WallMs, k => t[k].CpuMs)) yield return row;
    }

    /// <summary>Paired speed ratios (time of the second engine / time of the first, per round): above 1, the first is faster.</summary>
    private static IEnumerable<BenchmarkResult> SpeedRows(string at, string kind, string handName, Func<string, double[]> time, Func<string, double[]> cpu)
    {
        yield return new BenchmarkResult($"{at}: {kind}, ONNX Runtime predictor / Kernelwise Predict, speed (paired rounds)", "ratio",
            Stats.Ratios(time("kw"), time("ort")), HigherIsBetter: true, Note: "above 1: ONNX Runtime faster");
        yield return new BenchmarkResult($"{at}: {kind}, ONNX Runtime predictor / Kernelwise Predict, CPU time (paired)", "ratio",
            Stats.Ratios(cpu("kw"), cpu("ort")), HigherIsBetter: true, Note: "Kernelwise CPU ms / predictor CPU ms; spinning threads count");
        yield return new BenchmarkResult($"{at}: {kind}, Kernelwise Predict / {handName}, speed (paired rounds)", "ratio",
            Stats.Ratios(time("hand"), time("kw")), HigherIsBetter: true);
        yield return new BenchmarkResult($"{at}: {kind}, ONNX Runtime predictor / hand-written ONNX Runtime session, speed (paired rounds)", "ratio",
            Stats.Ratios(time("raw"), time("ort")), HigherIsBetter: true, Note: "what the predictor adds to ONNX Runtime");
    }

    private static BenchmarkResult Difference(string name, Tensor actual, Tensor expected, string note)
    {
        using var scope = NewDisposeScope();
        double worst = (actual - expected).abs().max().item<float>();
        return new BenchmarkResult(name, "max abs diff", new[] { worst }, Note: note);
    }
}
