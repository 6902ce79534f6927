#:project ../src/Kernelwise/Kernelwise.csproj
#:package System.CommandLine
// Data-parallel training over MPI: every process started by mpirun trains its part of each batch, and the processes
// average their gradients before each update, so they train one model together. Build once, then launch:
//   dotnet build examples/distributed.cs
//   mpirun -np 2 dotnet run --no-build examples/distributed.cs [-- --epochs 2 --batch-size 64 --threads 1 --limit N]
// (as root, Open MPI also wants --allow-run-as-root). Without mpirun the same script is an ordinary single process.
// --batch-size is per process: 2 processes × 64 train on the same samples per step as 1 process × 128.
using System.CommandLine;
using System.Diagnostics;
using Kernelwise;
using Kernelwise.Data;
using Kernelwise.Distributed;
using Kernelwise.Models;
using static TorchSharp.torch;

var epochsOption = new Option<int>("--epochs") { Description = "Passes over the training set.", DefaultValueFactory = _ => 2 };
var batchSizeOption = new Option<int>("--batch-size") { Description = "Images per training step in each process.", DefaultValueFactory = _ => 64 };
var threadsOption = new Option<int>("--threads") { Description = "libtorch threads per process (0: the cores divided among the processes on this machine)." };
var limitOption = new Option<long>("--limit") { Description = "Train on the first N images only (0: all 60,000)." };
var seedOption = new Option<int>("--seed") { Description = "Seed for the weights and the shuffling.", DefaultValueFactory = _ => 42 };
var options = new RootCommand("Trains a small CNN on Fashion-MNIST with every process mpirun started (data parallelism over MPI).")
    { epochsOption, batchSizeOption, threadsOption, limitOption, seedOption }.Parse(args);
if (options.Action is not null) return options.Invoke(); // --help, or what is wrong with the arguments
int epochs = options.GetValue(epochsOption), batchSize = options.GetValue(batchSizeOption), threads = options.GetValue(threadsOption);
int seed = options.GetValue(seedOption);
long limit = options.GetValue(limitOption);

// The one line that makes the script data-parallel: MPI under mpirun, otherwise a single process.
var strategy = new DataParallel();

// Give each process its share of the cores: libtorch would otherwise start one thread per core in every process.
int onThisMachine = int.TryParse(Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_LOCAL_SIZE"), out int local) ? local : strategy.WorldSize;
set_num_threads(threads > 0 ? threads : Math.Max(1, Environment.ProcessorCount / onThisMachine));

var (train, test) = FashionMnist.Load();
if (limit > 0) train = train.Take(limit);
if (strategy.IsPrimary)
{
    Console.WriteLine($"{strategy.WorldSize} process(es) over {strategy.Backend.Name}, {get_num_threads()} libtorch thread(s) each; " +
                      $"{train.Count:N0} training images, batch {batchSize} per process ({batchSize * strategy.WorldSize} per step).");
}

// A small CNN; every process builds the same one, and rank 0's initial weights are copied to the others.
Reproducibility.SetSeed(seed);
using var model = new Sequential(new Shape(1, 28, 28), "small_cnn")
    .Conv2D(32, 3, padding: Padding.Same, activation: Activation.ReLU)
    .MaxPooling2D(2)
    .Conv2D(64, 3, padding: Padding.Same, activation: Activation.ReLU)
    .MaxPooling2D(2)
    .Flatten()
    .Dense(128, Activation.ReLU)
    .Dropout(0.25)                       // each process draws masks of its own
    .Dense(10)
    .Build(ComputeDevice.Cpu)
    .Compile(new Adam(1e-3), new CrossEntropy(), new Accuracy());

var clock = Stopwatch.StartNew();
var history = model.Fit(train, epochs, batchSize, validationData: test, seed: seed, strategy: strategy);
double seconds = clock.Elapsed.TotalSeconds;

// Code after Fit runs in every process: print and save in one.
if (strategy.IsPrimary)
{
    Console.WriteLine(history.Summary);
    Console.WriteLine($"Test accuracy {history["val_accuracy"][^1]:0.0000} (loss {history["val_loss"][^1]:0.0000}) after {epochs} epoch(s); " +
                      $"{train.Count * (double)epochs / seconds:0} training images/s including validation; " +
                      $"{strategy.AveragingTime.TotalSeconds / seconds:P1} of the time spent averaging gradients on rank 0.");
    // model.SaveWeights("small-cnn.safetensors");   // saving, too, belongs here: every process holds the same weights
}
return 0;
