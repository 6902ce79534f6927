#:project ../src/Kernelwise/Kernelwise.csproj
// A U-Net (Ronneberger et al., 2015) built with the functional API: two levels down (two 3×3 convolutions, then 2×2
// max pooling), a bottleneck, two levels up (a 2×2 transposed convolution of stride 2 doubles the resolution, the
// result is concatenated with the feature map of the same size on the way down — the skip connection — and two
// 3×3 convolutions mix them), and a 1×1 convolution to one logit per pixel.
//
// The task, derived from real Fashion-MNIST images: find the garment in a damaged photograph. The target mask is
// the garment's silhouette in the clean image (pixel intensity above 0.1). The input is that image damaged the way a
// cheap camera and a careless shop would: contrast cut to 35–100%, the background lifted by up to 0.3, Gaussian
// noise (σ 0.3 by default) on every pixel, and a "price sticker" — a square of 7 to 11 pixels in a random flat
// grey — stuck somewhere on it. No single threshold separates garment from background any more: a dim garment on
// a light background is darker than another image's background, noise flips isolated pixels, and under the sticker
// the garment can only be guessed from its shape. The model must use context — which the U-Net's contracting path
// gathers and its skip connections put back at full resolution.
//
// Loss: binary cross-entropy on the logits, per pixel. Reported on test images: pixel accuracy and the IoU of the
// garment (|predicted ∩ true| / |predicted ∪ true|), next to two baselines that threshold the input — as it is, and
// after a 3×3 blur — each at the single threshold that scores best on the training images.
//   dotnet run examples/unet.cs [-- --limit 6000 --test 2000 --epochs 3 --batch 32 --noise 0.3 --seed 42]
using System.Diagnostics;
using System.Globalization;
using Kernelwise;
using Kernelwise.Data;
using Kernelwise.Layers;
using Kernelwise.Models;
using static TorchSharp.torch;

int limit = 6000, testCount = 2000, epochs = 3, batchSize = 32, seed = 42;
double noise = 0.3;
for (int i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"Option {args[i]} needs a value.");
    switch (args[i])
    {
        case "--limit": limit = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--test": testCount = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--epochs": epochs = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--batch": batchSize = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--noise": noise = double.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--seed": seed = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--help" or "-h":
            Console.WriteLine("Options: --limit N (6000 training images) --test N (2000 test images) --epochs N (3) --batch N (32) --noise S (0.3, the noise's standard deviation) --seed N (42)");
            return 0;
        default:
            Console.Error.WriteLine($"Unknown option '{args[i]}'. Use --help for the list.");
            return 2;
    }
}

var clock = Stopwatch.StartNew();
var (fullTrain, fullTest) = FashionMnist.Load();
using var train = Damaged(fullTrain.Inputs, limit, noise, seed);
using var test = Damaged(fullTest.Inputs, testCount, noise, seed + 1);
fullTrain.Dispose();
fullTest.Dispose();
Console.WriteLine($"Masks from Fashion-MNIST: {train.Count:N0} training and {test.Count:N0} test images, " +
    $"{GarmentShare(train):P1} of training pixels are garment.");

// The U-Net, in the functional API.
SymbolicTensor Block(SymbolicTensor x, int filters, string name) => x
    .Conv2D(filters, 3, padding: Padding.Same, activation: Activation.ReLU, name: $"{name}_a")
    .Conv2D(filters, 3, padding: Padding.Same, activation: Activation.ReLU, name: $"{name}_b");

Reproducibility.SetSeed(seed);
var image = new Input(new Shape(1, 28, 28), "image");
var down1 = Block(image, 8, "down1");                                    // 8 × 28 × 28
var down2 = Block(down1.MaxPooling2D(2, name: "pool1"), 16, "down2");    // 16 × 14 × 14
var bottom = Block(down2.MaxPooling2D(2, name: "pool2"), 32, "bottom");  // 32 × 7 × 7
var up2 = Block(Merge.Concatenate(bottom.Conv2DTranspose(16, 2, strides: 2, name: "up2_t"), down2), 16, "up2"); // 16 × 14 × 14
var up1 = Block(Merge.Concatenate(up2.Conv2DTranspose(8, 2, strides: 2, name: "up1_t"), down1), 8, "up1");      // 8 × 28 × 28
var mask = up1.Conv2D(1, 1, name: "mask");                               // one logit per pixel
using var unet = new Model(image, mask, "unet", ComputeDevice.Cpu);
Console.WriteLine(unet.Summary());

unet.Compile(new Adam(2e-3), new BinaryCrossEntropy(), new BinaryAccuracy(), new BinaryIoU(targetClassIds: new[] { 1 }));
var history = unet.Fit(train, epochs, batchSize, seed: seed, verbose: 2);
var scores = unet.Evaluate(test, batchSize: 256);

// Baselines: threshold the input (as it is, and blurred), at the threshold that is best on the training images.
static Tensor Blur(Tensor x) => nn.functional.avg_pool2d(x, 3, stride: 1, padding: 1, count_include_pad: false);
double rawThreshold = BestThreshold(train, x => x.alias());
double blurThreshold = BestThreshold(train, Blur);
var raw = ScoreThreshold(test, x => x.alias(), rawThreshold);
var blurred = ScoreThreshold(test, Blur, blurThreshold);

Console.WriteLine();
Console.WriteLine($"Test images ({test.Count:N0}, {test.Count * 784:N0} pixels)    pixel accuracy   garment IoU");
Console.WriteLine($"  threshold the input at {rawThreshold:0.00}          {raw.Accuracy,10:0.0000}   {raw.IoU,11:0.0000}");
Console.WriteLine($"  blur 3×3, threshold at {blurThreshold:0.00}          {blurred.Accuracy,10:0.0000}   {blurred.IoU,11:0.0000}");
Console.WriteLine($"  U-Net ({epochs} epochs)                   {scores["binary_accuracy"],10:0.0000}   {scores["binary_iou_1"],11:0.0000}");
Console.WriteLine();
ShowOne(unet, test, index: 0);
Console.WriteLine($"{history.Summary} Total time {clock.Elapsed.TotalSeconds:0} s, {Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds:0} s of processor time.");
return 0;

// Masks and damaged inputs for the first `count` images, drawn from one seeded generator: the same every run.
static TensorDataset Damaged(Tensor images, int count, double noise, int seed)
{
    using var scope = NewDisposeScope();
    var g = new Generator((ulong)seed);
    var clean = images.narrow(0, 0, Math.Min(count, images.shape[0]));
    long n = clean.shape[0];
    var target = clean.gt(0.1).to_type(ScalarType.Float32);
    var contrast = rand(new long[] { n, 1, 1, 1 }, generator: g) * 0.65 + 0.35;
    var background = rand(new long[] { n, 1, 1, 1 }, generator: g) * 0.3;
    var damaged = background + contrast * clean + randn(clean.shape, generator: g) * noise;
    // The sticker: a flat grey square of 7–11 pixels at a random place (fully inside the image).
    var side = randint(7, 12, new long[] { n }, generator: g);
    var top = (rand(new long[] { n }, generator: g) * (29 - side)).floor().to_type(ScalarType.Int64);
    var left = (rand(new long[] { n }, generator: g) * (29 - side)).floor().to_type(ScalarType.Int64);
    var grey = rand(new long[] { n, 1, 1, 1 }, generator: g);
    var rows = arange(28).view(1, 1, 28, 1);
    var columns = arange(28).view(1, 1, 1, 28);
    var inside = rows.ge(top.view(n, 1, 1, 1)).logical_and(rows.lt((top + side).view(n, 1, 1, 1)))
        .logical_and(columns.ge(left.view(n, 1, 1, 1))).logical_and(columns.lt((left + side).view(n, 1, 1, 1)));
    var input = where(inside, grey.expand_as(damaged), damaged);
    return new TensorDataset(input.contiguous().DetachFromDisposeScope(), target.contiguous().DetachFromDisposeScope());
}

static double GarmentShare(TensorDataset data)
{
    using var mean = data.Targets.mean();
    return mean.item<float>();
}

// The threshold (0.00 to 1.00 in steps of 0.01) with the best garment IoU on `data`, after `filter`.
static double BestThreshold(TensorDataset data, Func<Tensor, Tensor> filter)
{
    using var scope = NewDisposeScope();
    var x = filter(data.Inputs).reshape(-1);
    var truth = data.Targets.reshape(-1).gt(0.5);
    double best = 0, bestIoU = -1;
    for (int k = 0; k <= 100; k++)
    {
        double t = k / 100.0;
        var predicted = x.gt(t);
        double intersection = predicted.logical_and(truth).sum().item<long>();
        double union = predicted.logical_or(truth).sum().item<long>();
        if (union > 0 && intersection / union > bestIoU) (best, bestIoU) = (t, intersection / union);
    }
    return best;
}

// The same metrics as the model's, fed with "logits" that are positive exactly where the filtered input exceeds the threshold.
static (double Accuracy, double IoU) ScoreThreshold(TensorDataset data, Func<Tensor, Tensor> filter, double threshold)
{
    using var scope = NewDisposeScope();
    var logits = filter(data.Inputs) - threshold;
    var accuracy = new BinaryAccuracy();
    var iou = new BinaryIoU(targetClassIds: new[] { 1 });
    accuracy.Update(logits, data.Targets);
    iou.Update(logits, data.Targets);
    return (accuracy.Result(), iou.Result());
}

// One test image as text: the damaged input, the true mask, the U-Net's mask.
static void ShowOne(Model model, TensorDataset data, int index)
{
    using var scope = NewDisposeScope();
    var input = data.Inputs.narrow(0, index, 1);
    var truth = data.Targets[index, 0];
    using var output = model.Predict(input);
    var predicted = output[0, 0].gt(0);
    var x = input[0, 0];
    const string shades = " .:-=+*#%@";
    Console.WriteLine($"{"input (damaged)",-30}{"true mask",-30}U-Net's mask");
    for (int r = 0; r < 28; r++)
    {
        var line = new System.Text.StringBuilder();
        for (int c = 0; c < 28; c++) line.Append(shades[Math.Clamp((int)(x[r, c].item<float>() * 9.99), 0, 9)]);
        line.Append("  ");
        for (int c = 0; c < 28; c++) line.Append(truth[r, c].item<float>() > 0.5 ? '#' : '.');
        line.Append("  ");
        for (int c = 0; c < 28; c++) line.Append(predicted[r, c].item<bool>() ? '#' : '.');
        Console.WriteLine(line);
    }
}
