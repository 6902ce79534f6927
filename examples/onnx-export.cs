#:project ../src/Kernelwise/Kernelwise.csproj
#:package System.CommandLine
#:package Microsoft.ML.OnnxRuntime
// Deploy what you trained: train a small CNN on Fashion-MNIST with Kernelwise, export it to ONNX, and classify the
// test images with ONNX Runtime — no TorchSharp or libtorch needed on the deployment side, only the .onnx file.
//   dotnet run examples/onnx-export.cs [-- --epochs 1 --limit 20000 --out fashion-mnist.onnx --seed 42]
using System.CommandLine;
using System.Diagnostics;
using Kernelwise;
using Kernelwise.Data;
using Kernelwise.Export;
using Kernelwise.Layers;
using Kernelwise.Models;
using Microsoft.ML.OnnxRuntime;

var epochsOption = new Option<int>("--epochs") { Description = "Passes over the training images.", DefaultValueFactory = _ => 1 };
var limitOption = new Option<long>("--limit") { Description = "Training images (0: all 60,000).", DefaultValueFactory = _ => 20_000 };
var outOption = new Option<string>("--out") { Description = "The ONNX file to write.", DefaultValueFactory = _ => "fashion-mnist.onnx" };
var seedOption = new Option<int>("--seed") { Description = "Seed for the weights and the shuffling.", DefaultValueFactory = _ => 42 };
var options = new RootCommand("Trains a small CNN, exports it to ONNX and classifies the test images with ONNX Runtime.")
    { epochsOption, limitOption, outOption, seedOption }.Parse(args);
if (options.Action is not null) return options.Invoke(); // --help, or what is wrong with the arguments
int epochs = options.GetValue(epochsOption), seed = options.GetValue(seedOption);
long limit = options.GetValue(limitOption);
string output = options.GetValue(outOption)!;

// 1. Train with Kernelwise.
var (train, test) = FashionMnist.Load();
if (limit > 0) train = train.Take(limit);
Reproducibility.SetSeed(seed);
using var model = new Sequential(new Shape(1, 28, 28), "fashion_cnn")
    .Conv2D(16, 3, padding: Padding.Same, useBias: false)
    .BatchNormalization()
    .ReLU()
    .MaxPooling2D(2)
    .Conv2D(32, 3, padding: Padding.Same, useBias: false)
    .BatchNormalization()
    .ReLU()
    .MaxPooling2D(2)
    .Flatten()
    .Dropout(0.3)
    .Dense(10)
    .Build(ComputeDevice.Cpu)
    .Compile(new Adam(3e-3), new CrossEntropy(), new Accuracy());
Console.WriteLine($"Training on {train.Count:N0} Fashion-MNIST images for {epochs} epoch(s)...");
model.Fit(train, epochs, batchSize: 64, seed: seed, verbose: 1);
double kernelwiseAccuracy = model.Evaluate(test)["accuracy"];
long[] kernelwisePredictions;
using (var logits = model.Predict(test.Inputs))
using (var argmax = logits.argmax(1))
{
    kernelwisePredictions = argmax.data<long>().ToArray();
}

// 2. Export: the graph comes from the layers, the trained weights become initializers, softmax is appended.
model.ExportOnnx(output, new OnnxExportOptions { AppendSoftmax = true, Description = "Fashion-MNIST classifier trained with Kernelwise" });
Console.WriteLine($"Exported {output} ({new FileInfo(output).Length:N0} bytes, opset {OnnxExport.OpsetVersion}).");

// 3. Inference with ONNX Runtime alone: input "input" [batch, 1, 28, 28] float32 in [0, 1], output "probabilities" [batch, 10].
using var session = new InferenceSession(output);
var inputMeta = session.InputMetadata["input"];
Console.WriteLine($"ONNX Runtime sees input 'input' [{string.Join(", ", inputMeta.Dimensions.Select((d, k) => d < 0 ? inputMeta.SymbolicDimensions[k] : d.ToString()))}].");
float[] pixels = test.Inputs.contiguous().data<float>().ToArray();
long[] labels = test.Targets.data<long>().ToArray();
int n = labels.Length, batchSize = 500, correct = 0;
var predictions = new int[n];
var confidence = new float[n];
var clock = Stopwatch.StartNew();
using var runOptions = new RunOptions();
for (int start = 0; start < n; start += batchSize)
{
    int count = Math.Min(batchSize, n - start);
    using var input = OrtValue.CreateTensorValueFromMemory(pixels.AsMemory(start * 784, count * 784).ToArray(), new long[] { count, 1, 28, 28 });
    using var results = session.Run(runOptions, new[] { "input" }, new[] { input }, new[] { "probabilities" });
    var probabilities = results[0].GetTensorDataAsSpan<float>();
    for (int i = 0; i < count; i++)
    {
        var row = probabilities.Slice(10 * i, 10);
        int best = 0;
        for (int c = 1; c < 10; c++) if (row[c] > row[best]) best = c;
        predictions[start + i] = best;
        confidence[start + i] = row[best];
        if (best == labels[start + i]) correct++;
    }
}
double seconds = clock.Elapsed.TotalSeconds;
double onnxAccuracy = (double)correct / n;
int agree = predictions.Zip(kernelwisePredictions).Count(p => p.First == p.Second);

Console.WriteLine($"Test accuracy on {n:N0} images: Kernelwise {kernelwiseAccuracy:0.0000}, ONNX Runtime {onnxAccuracy:0.0000} " +
                  $"({(Math.Abs(kernelwiseAccuracy - onnxAccuracy) < 1e-12 ? "identical" : "DIFFERENT")}); ONNX Runtime classified {n / seconds:N0} images/s.");
Console.WriteLine($"Same predicted class for {agree:N0} of {n:N0} images.");
for (int i = 0; i < 5; i++)
{
    Console.WriteLine($"  test image {i}: {FashionMnist.ClassNames[predictions[i]]} ({confidence[i]:P1}), label {FashionMnist.ClassNames[(int)labels[i]]}");
}
return agree == n ? 0 : 1;
