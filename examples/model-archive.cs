#:project ../src/Kernelwise/Kernelwise.csproj
#:package System.CommandLine
// A model that travels as one file: trains the TensorFlow-tutorial convnet briefly on Fashion-MNIST and saves a model
// archive — architecture, weights, compile configuration, class names and the image preprocessing it expects — that
// any program loads with no code of this script's (Model.Load, or scripts/predict.cs).
//   dotnet run examples/model-archive.cs -- --out fashion.kwmodel [--limit 2000 --samples DIR]
//   dotnet run scripts/predict.cs -- fashion.kwmodel DIR/sample-0.png
using System.CommandLine;
using Kernelwise;
using Kernelwise.Data;
using Kernelwise.Models;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

var outOption = new Option<string>("--out") { Description = "Where to write the archive (.kwmodel).", Required = true };
var limitOption = new Option<long>("--limit") { Description = "Training images (the first N).", DefaultValueFactory = _ => 2000 };
var samplesOption = new Option<string?>("--samples") { Description = "A folder to write a few test images into, as PNG files, to try the archive on." };
var seedOption = new Option<int>("--seed") { Description = "Seed for the weights and the shuffling.", DefaultValueFactory = _ => 42 };
var options = new RootCommand("Trains a small Fashion-MNIST classifier and saves it as a model archive.") { outOption, limitOption, samplesOption, seedOption }.Parse(args);
if (options.Action is not null) return options.Invoke();
string output = options.GetValue(outOption)!;
int seed = options.GetValue(seedOption);

var (fullTrain, test) = FashionMnist.Load();
using var train = fullTrain.Take(options.GetValue(limitOption));
Reproducibility.SetSeed(seed);
using var model = new Sequential(new Shape(1, 28, 28), "tutorial_convnet")
    .Conv2D(32, 5, padding: Padding.Same, activation: Activation.ReLU).MaxPooling2D(2)
    .Conv2D(64, 5, padding: Padding.Same, activation: Activation.ReLU).MaxPooling2D(2)
    .Flatten().Dense(1024, Activation.ReLU).Dropout(0.4).Dense(10)
    .Build(ComputeDevice.Cpu)
    .Compile(new Adam(1e-3), new CrossEntropy(), new Accuracy());
var history = model.Fit(train, epochs: 1, batchSize: 64, seed: seed, verbose: 1);
Console.WriteLine($"{history.Summary} Test accuracy: {model.Evaluate(test, batchSize: 256)["accuracy"]:0.0000}");

model.Metadata = new ModelMetadata
{
    ClassNames = FashionMnist.ClassNames,
    Preprocessing = new ImagePreprocessing(28, 28, ColorMode.Grayscale), // Fashion-MNIST's own form: 28×28, light garment on black
    Description = $"TensorFlow-tutorial convnet, one epoch over {train.Count:N0} Fashion-MNIST training images.",
};
model.Save(output);
Console.WriteLine($"Wrote {output} ({new FileInfo(output).Length:N0} bytes).");

if (options.GetValue(samplesOption) is { } dir)
{
    Directory.CreateDirectory(dir);
    for (int i = 0; i < 5; i++)
    {
        var (image, label) = test.GetExample(i);
        using (image)
        using (label)
        {
            var pixels = image.mul(255).round().clamp(0, 255).to(TorchSharp.torch.ScalarType.Byte).data<byte>().ToArray();
            using var png = Image.LoadPixelData<L8>(pixels, 28, 28);
            string file = Path.Combine(dir, $"sample-{i}.png");
            png.SaveAsPng(file);
            Console.WriteLine($"Wrote {file} (a {FashionMnist.ClassNames[(int)label.item<long>()]}).");
        }
    }
}
return 0;
