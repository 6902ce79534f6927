#:project ../src/Kernelwise/Kernelwise.csproj
// Customising what happens in Fit: a model whose training step runs two forward and backward passes —
// sharpness-aware minimisation (SAM, Foret et al., 2020): the gradient is taken at the worst nearby weights
// w + ρ·g/‖g‖ and applied at w. Everything else (data loading, metrics, callbacks, clipping, accumulation,
// checkpoints) is Fit's own, because the step keeps using the step context's Backward and ApplyGradients.
// Trains the same small CNN with the ordinary step and with SAM on Fashion-MNIST and prints both test accuracies.
//   dotnet run examples/custom-train-step.cs [-- --limit 6000 --epochs 2 --rho 0.05 --seed 42]
using Kernelwise;
using Kernelwise.Data;
using Kernelwise.Models;
using Kernelwise.Training;
using static TorchSharp.torch;

int limit = 6000, epochs = 2, seed = 42;
double rho = 0.05;
for (int i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"Option {args[i]} needs a value.");
    switch (args[i])
    {
        case "--limit": limit = int.Parse(Next()); break;
        case "--epochs": epochs = int.Parse(Next()); break;
        case "--rho": rho = double.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture); break;
        case "--seed": seed = int.Parse(Next()); break;
        case "--help" or "-h":
            Console.WriteLine("Options: --limit N (6000 training images) --epochs N (2) --rho R (0.05, the SAM neighbourhood) --seed N (42)");
            return 0;
        default:
            Console.Error.WriteLine($"Unknown option '{args[i]}'. Use --help for the list.");
            return 2;
    }
}

var (fullTrain, fullTest) = FashionMnist.Load();
using var train = fullTrain.Take(limit);
using var test = fullTest.Take(2000);

Sequential Definition() => new Sequential(new Shape(1, 28, 28), "small_cnn")
    .Conv2D(16, 3, padding: Padding.Same, activation: Activation.ReLU).MaxPooling2D(2)
    .Conv2D(32, 3, padding: Padding.Same, activation: Activation.ReLU).MaxPooling2D(2)
    .Flatten().Dense(64, Activation.ReLU).Dense(10);

double Run(Model model, string label)
{
    model.Compile(new Adam(1e-3), new CrossEntropy(), new Accuracy());
    var history = model.Fit(train, epochs, batchSize: 64, seed: seed, verbose: 0);
    double accuracy = model.Evaluate(test, batchSize: 256)["accuracy"];
    Console.WriteLine($"{label,-14} training loss {history["loss"][^1]:0.0000}  test accuracy {accuracy:0.0000}  ({history.Summary})");
    return accuracy;
}

Reproducibility.SetSeed(seed);
using (var plain = Definition().Build(ComputeDevice.Cpu)) Run(plain, "ordinary step");
Reproducibility.SetSeed(seed);
using (var sam = new SharpnessAwareModel(Definition(), rho)) Run(sam, $"SAM (ρ={rho})");
return 0;

/// <summary>A model whose training step is sharpness-aware minimisation.</summary>
sealed class SharpnessAwareModel(Sequential definition, double rho) : Model(definition, ComputeDevice.Cpu)
{
    protected override void TrainStep(StepContext step)
    {
        // First pass: the loss and its gradient g at the current weights w.
        var outputs = Call(step.Inputs);
        var loss = step.ComputeLoss(outputs);
        step.Backward(loss);
        var weights = Network.parameters().Where(p => p.grad is not null).ToList();
        var norm = stack(weights.Select(p => p.grad!.norm()).ToArray()).norm();
        // Climb to w + ε, ε = ρ·g/‖g‖, and take the gradient there.
        var climbs = new List<Tensor>();
        using (no_grad())
        {
            foreach (var p in weights)
            {
                var e = p.grad! * (rho / (norm.item<float>() + 1e-12));
                p.add_(e);
                climbs.Add(e);
            }
        }
        step.ZeroGradients();
        step.Backward(step.ComputeLoss(Call(step.Inputs)));
        // Back to w; the optimizer applies the second gradient there.
        using (no_grad())
        {
            for (int i = 0; i < weights.Count; i++) weights[i].sub_(climbs[i]);
        }
        step.ApplyGradients();
        step.Record(loss, outputs);
    }
}
