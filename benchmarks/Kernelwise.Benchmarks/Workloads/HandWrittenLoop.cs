using TorchSharp;
using static TorchSharp.torch;

namespace Kernelwise.Benchmarks.Workloads;

/// <summary>
/// The baseline: the training, evaluation and prediction loops a TorchSharp user writes by hand — shuffled mini-batches
/// by <c>index_select</c>, <c>zero_grad</c> / forward / cross-entropy / <c>backward</c> / <c>step</c>, running loss and
/// accuracy read back every step (as <c>Model.Fit</c> reports them), one dispose scope per step.
/// </summary>
public sealed class HandWrittenLoop : IDisposable
{
    private readonly Random _shuffle;

    /// <summary>Builds the network <paramref name="network"/> (see <see cref="Networks"/>) with Adam at <paramref name="learningRate"/>.</summary>
    public HandWrittenLoop(string network, double learningRate = 1e-3, int shuffleSeed = 1)
        : this(Networks.HandWritten(network), learningRate, shuffleSeed, ownsNetwork: true)
    {
    }

    /// <summary>
    /// Runs the hand-written loops over an existing <paramref name="network"/> (for example a Kernelwise model's
    /// <c>Network</c>, to separate the cost of the modules from the cost of the loop) with its own Adam optimizer.
    /// </summary>
    public HandWrittenLoop(nn.Module<Tensor, Tensor> network, double learningRate, int shuffleSeed, bool ownsNetwork)
    {
        Net = network;
        _ownsNetwork = ownsNetwork;
        Optimizer = optim.Adam(Net.parameters(), learningRate);
        _shuffle = new Random(shuffleSeed);
    }

    private readonly bool _ownsNetwork;

    /// <summary>The network.</summary>
    public nn.Module<Tensor, Tensor> Net { get; }

    /// <summary>Its optimizer.</summary>
    public optim.Optimizer Optimizer { get; }

    /// <summary>One pass over <paramref name="inputs"/>/<paramref name="targets"/> in a fresh random order; returns mean loss and accuracy.</summary>
    public (double Loss, double Accuracy) TrainEpoch(Tensor inputs, Tensor targets, int batchSize)
    {
        long n = inputs.shape[0];
        var order = new long[n];
        for (long i = 0; i < n; i++) order[i] = i;
        _shuffle.Shuffle(order);
        Net.train();
        double lossSum = 0;
        long correct = 0;
        for (long start = 0; start < n; start += batchSize)
        {
            using var scope = NewDisposeScope();
            using var index = tensor(order.AsSpan((int)start, (int)Math.Min(batchSize, n - start)).ToArray());
            var x = inputs.index_select(0, index);
            var y = targets.index_select(0, index);
            Optimizer.zero_grad();
            var output = Net.forward(x);
            var loss = nn.functional.cross_entropy(output, y);
            loss.backward();
            Optimizer.step();
            lossSum += loss.item<float>() * x.shape[0];
            using (no_grad()) correct += output.argmax(1).eq(y).sum().item<long>();
        }
        return (lossSum / n, (double)correct / n);
    }

    /// <summary>Loss and accuracy in evaluation mode without gradients.</summary>
    public (double Loss, double Accuracy) Evaluate(Tensor inputs, Tensor targets, int batchSize)
    {
        long n = inputs.shape[0];
        Net.eval();
        using var noGrad = no_grad();
        double lossSum = 0;
        long correct = 0;
        for (long start = 0; start < n; start += batchSize)
        {
            using var scope = NewDisposeScope();
            long size = Math.Min(batchSize, n - start);
            var x = inputs.narrow(0, start, size);
            var y = targets.narrow(0, start, size);
            var output = Net.forward(x);
            lossSum += nn.functional.cross_entropy(output, y).item<float>() * size;
            correct += output.argmax(1).eq(y).sum().item<long>();
        }
        Net.train();
        return (lossSum / n, (double)correct / n);
    }

    /// <summary>The network's outputs for every input, [N, 10]; the caller owns the tensor.</summary>
    public Tensor Predict(Tensor inputs, int batchSize)
    {
        long n = inputs.shape[0];
        Net.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var outputs = new List<Tensor>();
        for (long start = 0; start < n; start += batchSize)
            outputs.Add(Net.forward(inputs.narrow(0, start, Math.Min(batchSize, n - start))));
        var all = cat(outputs, 0);
        Net.train();
        return all.MoveToOuterDisposeScope();
    }

    /// <summary>Disposes the optimizer and the network.</summary>
    public void Dispose()
    {
        Optimizer.Dispose();
        if (_ownsNetwork) Net.Dispose();
    }
}
