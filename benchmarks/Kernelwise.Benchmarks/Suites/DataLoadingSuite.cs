using System.Diagnostics;
using System.Globalization;
using Kernelwise.Benchmarks.Workloads;
using Kernelwise.Training;
using Kernelwise.Data;
using Kernelwise;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using static TorchSharp.torch;

namespace Kernelwise.Benchmarks.Suites;

/// <summary>
/// The image pipeline: how fast image folders are decoded and augmented by the DataLoader's workers, and whether training
/// from an image folder waits for data.
/// </summary>
/// <remarks>
/// Cases: (1) 224×224 JPEG photos-like images, ImageNet training augmentation (RandomResizedCrop 224, flip, ToTensor,
/// Normalize), batch 32; (2) 28×28 grayscale PNG (real Fashion-MNIST images written as files), RandomCrop with padding 2
/// and flip, batch 128 — each with 1 and 2 workers, interleaved, throughput of whole epochs including collation; the
/// 2-worker rows show the scaling ratio. (3) The batch-norm CNN trained with <c>Model.Fit</c> from the PNG folder: the
/// share of the training loop's time spent waiting for the next batch (between one step's end and the next step's
/// start), with the folder's default workers and with none (no prefetching) for comparison. Target: under 5%.
/// </remarks>
public sealed class DataLoadingSuite : IBenchmarkSuite
{
    /// <inheritdoc />
    public string Name => "data";

    /// <inheritdoc />
    public string Description =>
        "Image pipeline: decode+augment throughput of the DataLoader for 224×224 JPEG (RandomResizedCrop, flip, normalize; batch 32) and 28×28 PNG " +
        "(Fashion-MNIST files; random crop with padding, flip; batch 128) with 1 and 2 workers (ratio = scaling), and the share of Model.Fit's " +
        "training-loop time spent waiting for data when a small batch-norm CNN trains from a PNG image folder (target < 5%).";

    /// <inheritdoc />
    public IEnumerable<BenchmarkResult> Run(BenchmarkContext context)
    {
        int repeats = context.RepeatsOr(context.Quick ? 3 : 5);
        var root = Path.Combine(Path.GetTempPath(), "kernelwise-bench-data-" + Guid.NewGuid().ToString("N"));
        try
        {
            string load = Stats.LoadAverage();
            Console.Error.WriteLine($"  load average at start: {load}");

            // 1. 224×224 JPEG.
            int jpegCount = context.Setting("jpeg-images", context.Quick ? 128 : 512);
            var jpegDir = Path.Combine(root, "jpeg");
            WritePhotoLikeJpegs(jpegDir, jpegCount);
            var imagenet = new TransformPipeline()
                .RandomResizedCrop(224, 224)
                .RandomHorizontalFlip()
                .ToTensor()
                .Normalize(new[] { 0.485, 0.456, 0.406 }, new[] { 0.229, 0.224, 0.225 });
            var jpeg = new ImageFolder(jpegDir, new ImageFolderOptions { Transform = imagenet });
            Console.Error.WriteLine($"  {jpegCount} JPEG files written; measuring 1 and 2 workers, {repeats} rounds");
            foreach (var r in Throughput("224×224 JPEG decode+augment", jpeg, batchSize: 32, repeats)) yield return r;

            // 2. 28×28 PNG (real Fashion-MNIST images).
            int pngCount = context.Setting("png-images", context.Quick ? 4096 : 16384);
            var pngDir = Path.Combine(root, "png");
            WriteFashionMnistPngs(pngDir, pngCount);
            var shifts = new TransformPipeline().RandomCrop(28, padding: 2).RandomHorizontalFlip().ToTensor();
            var png = new ImageFolder(pngDir, new ImageFolderOptions { ColorMode = ColorMode.Grayscale, Transform = shifts });
            Console.Error.WriteLine($"  {png.Count} PNG files written; measuring 1 and 2 workers, {repeats} rounds");
            foreach (var r in Throughput("28×28 PNG decode+augment", png, batchSize: 128, repeats)) yield return r;

            // 3. Training from the PNG folder: waiting share.
            var train = new ImageFolder(pngDir, new ImageFolderOptions { ColorMode = ColorMode.Grayscale, Transform = shifts });
            int defaultWorkers = train.LoaderOptions.NumWorkers;
            using var model = Networks.BuildKernelwise("bn_cnn", seed: 42);
            var waits = new Dictionary<string, List<double>> { ["default"] = new(), ["none"] = new() };
            var speeds = new Dictionary<string, List<double>> { ["default"] = new(), ["none"] = new() };
            var synchronous = new ImageFolder(pngDir, new ImageFolderOptions { ColorMode = ColorMode.Grayscale, Transform = shifts, LoaderOptions = DataLoaderOptions.Synchronous });
            Console.Error.WriteLine($"  training bn_cnn from the PNG folder: warm-up epoch, then {repeats} rounds of ({defaultWorkers} worker(s), 0 workers)");
            model.Fit(train, epochs: 1, batchSize: 128, verbose: 0, seed: 1); // warm-up (oneDNN primitives, allocator)
            for (int i = 0; i < repeats; i++)
            {
                foreach (var (key, data) in new[] { ("default", train), ("none", synchronous) })
                {
                    var meter = new WaitMeter();
                    model.Fit(data, epochs: 1, batchSize: 128, verbose: 0, seed: i, callbacks: new Callback[] { meter });
                    waits[key].Add(100 * meter.WaitShare);
                    speeds[key].Add(data.Count / meter.LoopSeconds);
                    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    round {i + 1}, {key}: waiting {100 * meter.WaitShare:0.00}% of {meter.LoopSeconds:0.0} s"));
                }
            }
            string net = $"bn_cnn (421,642 parameters), batch 128, {pngCount:N0} PNG images per epoch";
            yield return new BenchmarkResult($"Fit from PNG folder, {defaultWorkers} worker(s) (default): waiting for data", "% of loop time", waits["default"].ToArray(),
                Note: $"target < 5%; {net}");
            yield return new BenchmarkResult("Fit from PNG folder, 0 workers (no prefetch): waiting for data", "% of loop time", waits["none"].ToArray(),
                Note: "decoding on the training thread, for comparison");
            yield return new BenchmarkResult($"Fit from PNG folder, {defaultWorkers} worker(s) (default): training speed", "images/s", speeds["default"].ToArray(),
                Baseline: "Fit from PNG folder, 0 workers: training speed", HigherIsBetter: true);
            yield return new BenchmarkResult("Fit from PNG folder, 0 workers: training speed", "images/s", speeds["none"].ToArray(), HigherIsBetter: true);
            Console.Error.WriteLine($"  load average at end: {Stats.LoadAverage()}");
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }

    private static IEnumerable<BenchmarkResult> Throughput(string name, ImageFolder folder, int batchSize, int repeats)
    {
        long images = 0;
        Action Epoch(int workers) => () =>
        {
            images = 0;
            foreach (var batch in new DataLoader(folder, batchSize, shuffle: true, seed: 7, numWorkers: workers))
            {
                images += batch.Size;
                batch.Dispose();
            }
        };
        var ms = Stats.TimeInterleavedMs(new Dictionary<string, Action> { ["1"] = Epoch(1), ["2"] = Epoch(2) }, repeats, warmup: 1);
        string one = $"{name}, 1 worker", two = $"{name}, 2 workers";
        yield return new BenchmarkResult(one, "images/s", Stats.PerSecond(ms["1"], folder.Count), HigherIsBetter: true,
            Note: string.Create(CultureInfo.InvariantCulture, $"{folder.Count:N0} images per epoch, batch {batchSize}"));
        yield return new BenchmarkResult(two, "images/s", Stats.PerSecond(ms["2"], folder.Count), Baseline: one, HigherIsBetter: true,
            Note: "ratio = scaling from 1 to 2 workers");
    }

    /// <summary>Photo-like 224×224 JPEGs (smooth gradients, shapes, sensor-like noise; quality 90) in two class folders.</summary>
    private static void WritePhotoLikeJpegs(string dir, int count)
    {
        var encoder = new JpegEncoder { Quality = 90 };
        Parallel.For(0, count, i =>
        {
            var rng = new Random(i);
            using var image = new Image<Rgb24>(224, 224);
            var (r0, g0, b0) = (rng.Next(256), rng.Next(256), rng.Next(256));
            var (r1, g1, b1) = (rng.Next(256), rng.Next(256), rng.Next(256));
            int cx = rng.Next(224), cy = rng.Next(224), radius = rng.Next(20, 90);
            for (int y = 0; y < 224; y++)
            {
                for (int x = 0; x < 224; x++)
                {
                    float t = (x + y) / 446f;
                    bool inside = (x - cx) * (x - cx) + (y - cy) * (y - cy) < radius * radius;
                    int noise = rng.Next(-12, 13);
                    int r = inside ? 255 - r0 : (int)(r0 + (r1 - r0) * t), g = inside ? 255 - g0 : (int)(g0 + (g1 - g0) * t), b = inside ? b1 : (int)(b0 + (b1 - b0) * t);
                    image[x, y] = new Rgb24(Clamp(r + noise), Clamp(g + noise), Clamp(b + noise));
                }
            }
            var path = Path.Combine(dir, i % 2 == 0 ? "even" : "odd", $"{i:D5}.jpg");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            image.Save(path, encoder);
        });
    }

    private static byte Clamp(int v) => (byte)Math.Clamp(v, 0, 255);

    /// <summary>The first <paramref name="count"/> Fashion-MNIST training images as 8-bit grayscale PNGs, one folder per class.</summary>
    private static void WriteFashionMnistPngs(string dir, int count)
    {
        var data = FashionMnistData.Train;
        count = (int)Math.Min(count, data.Count);
        byte[] pixels;
        long[] labels;
        using (var scope = NewDisposeScope())
        {
            pixels = data.Inputs.narrow(0, 0, count).mul(255).round().to(ScalarType.Byte).contiguous().data<byte>().ToArray();
            labels = data.Targets.narrow(0, 0, count).data<long>().ToArray();
        }
        var encoder = new PngEncoder { ColorType = PngColorType.Grayscale, BitDepth = PngBitDepth.Bit8 };
        for (int c = 0; c < 10; c++) Directory.CreateDirectory(Path.Combine(dir, $"class_{c}"));
        Parallel.For(0, count, i =>
        {
            using var image = Image.LoadPixelData<L8>(pixels.AsSpan(i * 784, 784), 28, 28);
            image.Save(Path.Combine(dir, $"class_{labels[i]}", $"{i:D5}.png"), encoder);
        });
    }

    /// <summary>Measures, in the training loop, the time between one step's end and the next step's start: waiting for the next batch.</summary>
    private sealed class WaitMeter : Callback
    {
        private readonly Stopwatch _clock = new();
        private TimeSpan _lastEnd, _wait, _end;

        public double WaitShare => _wait / _end;

        public double LoopSeconds => _end.TotalSeconds;

        public override void OnEpochBegin(int epoch, Logs logs) => _clock.Restart();

        public override void OnTrainBatchBegin(int batch, Logs logs) => _wait += _clock.Elapsed - _lastEnd;

        public override void OnTrainBatchEnd(int batch, Logs logs) => _lastEnd = _end = _clock.Elapsed;
    }
}
