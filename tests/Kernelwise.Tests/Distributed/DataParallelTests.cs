using Kernelwise.Distributed;
using Kernelwise.Models;
using Kernelwise.Training;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Distributed;

/// <summary>
/// <see cref="DataParallel"/> in one process, the path every script takes when it is not started by mpirun: an
/// ordinary run, bit for bit. Its behaviour across processes is checked under mpirun in
/// <see cref="DataParallelFitTests"/>.
/// </summary>
public sealed class DataParallelTests
{
    private static Model Build()
    {
        Reproducibility.SetSeed(5);
        return new Sequential(new Shape(1, 12, 12), "dp_single")
            .Conv2D(8, 3, useBias: false)
            .BatchNormalization()
            .ReLU()
            .MaxPooling2D(2)
            .Flatten()
            .Dropout(0.3)
            .Dense(4)
            .Build(ComputeDevice.Cpu)
            .Compile(new Adam(1e-2), new CrossEntropy(), new Accuracy(), new F1Score());
    }

    [Fact]
    public void Should_TrainExactlyAsWithoutAStrategy_When_NotLaunchedByMpi()
    {
        // Given a model with batch normalisation and dropout, trained once without a strategy and once with the
        // strategy a distributed script passes
        var train = SyntheticData.Blocks(200, seed: 1);
        var validation = SyntheticData.Blocks(50, seed: 2);
        using var plain = Build();
        var expected = plain.Fit(train, epochs: 2, batchSize: 32, validationData: validation, seed: 3, verbose: 0);
        var strategy = new DataParallel();
        using var model = Build();

        // When
        var history = model.Fit(train, epochs: 2, batchSize: 32, validationData: validation, seed: 3, verbose: 0, strategy: strategy);

        // Then it is a single process, and every weight, buffer and figure is the same, bit for bit
        Assert.Equal((0, 1, true), (strategy.Rank, strategy.WorldSize, strategy.IsPrimary));
        Assert.Equal("single-process", strategy.Backend.Name);
        Assert.Empty(strategy.Buckets);
        Assert.Equal(0, strategy.Averagings);
        var reference = plain.Network.state_dict();
        foreach (var (name, tensor) in model.Network.state_dict())
            Assert.True(tensor.equal(reference[name]).all().item<bool>(), $"'{name}' differs from the run without a strategy");
        foreach (var key in expected.Keys)
            Assert.Equal(expected[key], history[key]);
        Assert.Equal(TrainingOutcome.Completed, history.Outcome);
    }

    [Fact]
    public void Should_ShareOneBackend_When_SeveralStrategiesAreCreatedInOneProcess()
    {
        // MPI can be initialised once per process: every parameterless DataParallel uses the same backend.
        Assert.Same(new DataParallel().Backend, new DataParallel().Backend);
    }

    [Fact]
    public void Should_LetTheExceptionThrough_When_AFitInASingleProcessFails()
    {
        // Given a callback that throws, in a single process (where there is no other rank to end)
        using var model = Build();
        var thrower = new LambdaCallback(onTrainBatchEnd: (b, _) => { if (b == 1) throw new InvalidOperationException("deliberate"); });

        // When / Then: the caller gets the exception itself, not an abort
        var e = Assert.Throws<InvalidOperationException>(() =>
            model.Fit(SyntheticData.Blocks(100), epochs: 1, batchSize: 16, verbose: 0, callbacks: [thrower], strategy: new DataParallel(new SingleProcessBackend())));
        Assert.Equal("deliberate", e.Message);
    }

    [Fact]
    public void Should_WarnThatEachProcessTrainsAlone_When_MpirunStartedSeveralProcessesButFitHasNoStrategy()
    {
        // Given the variable mpirun sets in each of its processes (the rank variable stays unset, so nothing starts MPI)
        var previous = Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_SIZE");
        Environment.SetEnvironmentVariable("OMPI_COMM_WORLD_SIZE", "4");
        try
        {
            using var model = Build();
            var output = new StringWriter();

            // When Fit runs without a strategy
            model.Fit(SyntheticData.Blocks(64), epochs: 1, batchSize: 32, verbose: 2, callbacks: [new ProgressBar(output, live: false)]);

            // Then the progress output says so, and how to train together
            Assert.Contains("Warning: This process was started by an MPI launcher with 4 processes, but Fit has no distribution strategy: each process trains a model of its own on all the data. Pass strategy: new DataParallel() (from the Distributed namespace) to train one model together.", output.ToString());
        }
        finally
        {
            Environment.SetEnvironmentVariable("OMPI_COMM_WORLD_SIZE", previous);
        }
    }

    [Fact]
    public void Should_NameTheArgument_When_TheBucketSizeIsNotPositive()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new DataParallel(new SingleProcessBackend(), bucketCapMb: 0));
        Assert.Contains("bucketCapMb", e.Message);
        Assert.Throws<ArgumentNullException>(() => new DataParallel(null!));
    }
}
