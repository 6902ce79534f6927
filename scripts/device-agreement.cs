#:project ../src/Kernelwise/Kernelwise.csproj
#:package System.CommandLine
// Do the CPU and a second device compute the same training step? One convnet (convolutions, batch normalisation,
// pooling, dense layers; no dropout, whose random masks differ between devices) starts from the same weights on the
// CPU and on --device, takes one SGD step (momentum 0.9) on the same 64 Fashion-MNIST images, and the script compares
// the losses, the weight updates and the outputs afterwards. On the second device it repeats the step under each
// --precision policy (mixed-float16 and mixed-bfloat16 compute in 16 bits, so their tolerance is wider).
//   dotnet run scripts/device-agreement.cs -- [--device cuda] [--precision float32,mixed-float16,mixed-bfloat16]
// Exit status 1 when a comparison is outside its tolerance. TF32 tensor cores are switched off for the float32
// comparison (they round inputs to 10-bit mantissas, which is the point of TF32 but not of this check).
// scripts/gpu-check.sh runs it; `--device cpu` checks the script itself on a machine without a GPU.
using System.CommandLine;
using System.Globalization;
using Kernelwise;
using Kernelwise.Data;
using Kernelwise.Models;
using static TorchSharp.torch;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var deviceOption = new Option<string>("--device") { Description = "The device compared with the CPU: cuda, cuda:N or cpu.", DefaultValueFactory = _ => "cuda" };
var precisionOption = new Option<string>("--precision") { Description = "Comma-separated policies run on --device.", DefaultValueFactory = _ => "float32,mixed-float16,mixed-bfloat16" };
var seedOption = new Option<int>("--seed") { Description = "Seed for the weights.", DefaultValueFactory = _ => 42 };
var options = new RootCommand("Compares one training step on the CPU with the same step on another device.")
    { deviceOption, precisionOption, seedOption }.Parse(args);
if (options.Action is not null) return options.Invoke();
var device = ComputeDevice.Parse(options.GetValue(deviceOption)!);
var policies = options.GetValue(precisionOption)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(PrecisionPolicy.Parse).ToArray();
int seed = options.GetValue(seedOption);
if (device.Resolve().IsCuda)
{
    backends.cuda.matmul.allow_tf32 = false;
    backends.cudnn.allow_tf32 = false;
}

var (train, _) = FashionMnist.Load();
using var batch = train.Take(64);
var definition = new Sequential(new Shape(1, 28, 28), "agreement_convnet")
    .Conv2D(32, 3, padding: Padding.Same).BatchNormalization().ReLU().MaxPooling2D(2)
    .Conv2D(64, 3, padding: Padding.Same).BatchNormalization().ReLU().MaxPooling2D(2)
    .Flatten().Dense(128, Activation.ReLU).Dense(10);

string weights = Path.Combine(Path.GetTempPath(), $"kernelwise-agreement-{Environment.ProcessId}.safetensors");
Reproducibility.SetSeed(seed);
using var reference = definition.Build(ComputeDevice.Cpu).Compile(new SGD(0.05, momentum: 0.9), new CrossEntropy());
reference.SaveWeights(weights);
var before = Snapshot(reference);
var referenceHistory = reference.Fit(batch, epochs: 1, batchSize: 64, shuffle: false, verbose: 0);
var referenceAfter = Snapshot(reference);
using var referenceOutputs = reference.Predict(batch, batchSize: 64);
Console.WriteLine($"CPU, float32: loss {referenceHistory["loss"][0]:F6}");

bool allGood = true;
foreach (var policy in policies)
{
    using var model = definition.Build(device).Compile(new SGD(0.05, momentum: 0.9), new CrossEntropy());
    model.LoadWeights(weights);
    model.PrecisionPolicy = policy;
    var history = model.Fit(batch, epochs: 1, batchSize: 64, shuffle: false, verbose: 0);
    var after = Snapshot(model);
    using var outputs = model.Predict(batch, batchSize: 64);

    // Tolerances: float32 differs only by summation order (cuDNN's algorithms against oneDNN's). 16-bit compute rounds
    // every convolution and product input to 11 (float16) or 8 (bfloat16) significant bits, and a first step's
    // gradients are sums with much cancellation: on this machine's CPU the update differs from float32's by 2.5%
    // (float16) and 3.8% (bfloat16). A missing cast, a loss scale not undone or a skipped step differ by 100% or more.
    double tolerance = policy.ComputeType is null ? 1e-3 : 1e-1;
    double lossError = Math.Abs(history["loss"][0] - referenceHistory["loss"][0]) / Math.Abs(referenceHistory["loss"][0]);
    double updateError = UpdateError(before, referenceAfter, after);
    double outputError = (outputs - referenceOutputs).norm().item<float>() / referenceOutputs.norm().item<float>();
    long skipped = model.LossScaler?.SkippedSteps ?? 0;
    bool good = lossError <= tolerance && updateError <= tolerance && outputError <= tolerance && skipped == 0;
    allGood &= good;
    Console.WriteLine($"{model.Device}, {policy}: loss {history["loss"][0]:F6}; relative differences from the CPU: loss {lossError:E2}, " +
        $"weight update {updateError:E2}, outputs after the step {outputError:E2} (tolerance {tolerance:E0})" +
        (model.LossScaler is { } scaler ? $"; loss scale {scaler.Scale:G}, {skipped} step(s) skipped" : "") + (good ? " - agree" : " - DIFFER"));
}
File.Delete(weights);
Console.WriteLine(allGood ? "Devices agree." : "Devices differ beyond the tolerance.");
return allGood ? 0 : 1;

// The parameters and buffers, on the CPU in float32, by name.
static Dictionary<string, Tensor> Snapshot(Model model)
{
    var values = new Dictionary<string, Tensor>();
    foreach (var (name, p) in model.Network.named_parameters()) values[name] = p.detach().cpu().to_type(ScalarType.Float32).clone();
    return values;
}

// ‖Δw(device) − Δw(CPU)‖ / ‖Δw(CPU)‖ over all parameters together.
static double UpdateError(Dictionary<string, Tensor> before, Dictionary<string, Tensor> reference, Dictionary<string, Tensor> other)
{
    double difference = 0, size = 0;
    foreach (var (name, start) in before)
    {
        using var scope = NewDisposeScope();
        var expected = reference[name] - start;
        var actual = other[name] - start;
        difference += (actual - expected).pow(2).sum().item<float>();
        size += expected.pow(2).sum().item<float>();
    }
    return Math.Sqrt(difference / size);
}
