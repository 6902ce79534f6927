using System.Diagnostics.CodeAnalysis;
using Kernelwise.Distributed;
using TorchSharp;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Distributed;

public sealed class GradientBucketerTests
{
    /// <summary>
    /// Rank 0 of two, where the other rank's tensor is always <c>Other</c> × this rank's: an all-reduce sum gives
    /// (1 + Other) × the tensor, so each gradient's mean is a known multiple of its own value, in its own place.
    /// Records every all-reduce.
    /// </summary>
    private sealed class TwoRankFake(double other) : ICollectiveBackend
    {
        public List<(long Elements, ScalarType Type)> Calls { get; } = [];
        public string Name => "fake";
        public int Rank => 0;
        public int Size => 2;
        public DeviceType DeviceType => DeviceType.CPU;

        public void AllReduceSum(Tensor tensor)
        {
            Assert.True(tensor.is_contiguous());
            Calls.Add((tensor.numel(), tensor.dtype));
            tensor.mul_(1 + other);
        }

        public void AllReduceSum(Span<float> buffer) => throw new NotSupportedException();
        public void AllReduceSum(Span<double> buffer) { foreach (ref var v in buffer) v *= 1 + other; }
        public void AllReduceSum(Span<long> buffer) => throw new NotSupportedException();
        public void Broadcast(Tensor tensor, int root = 0) => throw new NotSupportedException();
        public void Broadcast(Span<byte> buffer, int root = 0) => throw new NotSupportedException();
        public void Barrier() { }
        [DoesNotReturn] public void Abort(int errorCode) => throw new NotSupportedException();
        public void Dispose() { }
    }

    private static List<Tensor> Layout() =>
    [
        zeros(256, 128),                    // 128 KiB
        zeros(64),                          // 256 B
        zeros(1024, 300),                   // 1.17 MiB: larger than the cap, a bucket of its own
        zeros(10, dtype: ScalarType.Float64),
        zeros(32, 32),                      // 4 KiB
    ];

    [Fact]
    public void Should_PackTensorsInOrderByTypeUnderTheCap_When_LaidOut()
    {
        var layout = Layout();
        using var bucketer = new GradientBucketer(new TwoRankFake(1), layout, bucketCapMb: 0.25);

        var buckets = bucketer.Buckets.Select(b => b.Tensors.ToArray()).ToList();
        Assert.Equal([[0, 1], [2], [3], [4]], buckets);
        Assert.Equal([(256 * 128 + 64) * 4L, 1024 * 300 * 4L, 80L, 32 * 32 * 4L], bucketer.Buckets.Select(b => b.Bytes));
        foreach (var t in layout) t.Dispose();
    }

    [Fact]
    public void Should_PutEverythingOfOneTypeInOneBucket_When_TheCapIsLarge()
    {
        var layout = Layout();
        using var bucketer = new GradientBucketer(new TwoRankFake(1), layout);
        Assert.Equal([[0, 1, 2, 4], [3]], bucketer.Buckets.Select(b => b.Tensors.ToArray()));
        foreach (var t in layout) t.Dispose();
    }

    [Fact]
    public void Should_ReplaceEachGradientByItsMean_With_OneAllReducePerBucket()
    {
        var layout = Layout();
        var fake = new TwoRankFake(other: 3);          // the other rank holds 3 g: the mean is 2 g
        using var bucketer = new GradientBucketer(fake, layout, bucketCapMb: 0.25);
        // A generator of its own: the process-wide one is left as other tests expect it.
        var gen = new Generator(3);
        var grads = layout.Select(t => randn(t.shape, t.dtype, generator: gen)).ToList();
        grads[4] = randn(32, 32, generator: gen).t();   // a non-contiguous gradient works too
        var expected = grads.Select(g => g * 2).ToList();

        bucketer.AllReduceMean(grads);

        Assert.Equal(4, fake.Calls.Count);
        Assert.Equal([ScalarType.Float32, ScalarType.Float32, ScalarType.Float64, ScalarType.Float32], fake.Calls.Select(c => c.Type));
        for (int i = 0; i < grads.Count; i++)
            Assert.True(grads[i].allclose(expected[i], rtol: 1e-6, atol: 1e-7), $"gradient {i} is not the mean of the ranks' gradients");
        foreach (var t in layout.Concat(grads).Concat(expected)) t.Dispose();
    }

    [Fact]
    public void Should_ApplyTheGivenScale_When_AveragingUnequalShards()
    {
        using var p = zeros(5);
        using var bucketer = new GradientBucketer(new TwoRankFake(other: 1), [p]);
        using var g = ones(5);
        bucketer.AllReduce([g], scale: 0.25);
        Assert.Equal(new float[] { 0.5f, 0.5f, 0.5f, 0.5f, 0.5f }, g.data<float>().ToArray());
    }

    [Fact]
    public void Should_WeightEachRanksGradientBySamples_When_AveragingUnequalParts()
    {
        // This rank: 3 samples, gradient g; the other rank (fake): the same gradient scaled by 1 (it adds the buffer
        // again), i.e. it also contributes 3·g. Total weight: 3 (this rank) summed by the fake as 3 + 3 = 6.
        using var p = zeros(4);
        using var bucketer = new GradientBucketer(new TwoRankFake(other: 1), [p]);
        using var g = tensor(new float[] { 1, 2, 3, 4 });
        bucketer.AllReduceWeightedMean([g], weight: 3);
        Assert.Equal(new float[] { 1, 2, 3, 4 }, g.data<float>().ToArray());      // (3g + 3g) / 6 = g

        var e = Assert.Throws<InvalidOperationException>(() => bucketer.AllReduceWeightedMean([g], weight: 0));
        Assert.StartsWith("The gradient weights summed over the 2 rank(s) are 0;", e.Message);
    }

    [Fact]
    public void Should_CopyNothing_When_ThereIsOneProcess()
    {
        using var p = zeros(5);
        using var bucketer = new GradientBucketer(new SingleProcessBackend(), [p]);
        using var g = arange(5, dtype: ScalarType.Float32);
        bucketer.AllReduceMean([g]);
        Assert.Empty(bucketer.Buckets);
        Assert.Equal(new float[] { 0, 1, 2, 3, 4 }, g.data<float>().ToArray());
    }

    [Fact]
    public void Should_NameTheGradient_When_ItDoesNotMatchTheLayout()
    {
        using var p = zeros(4, 3);
        using var bucketer = new GradientBucketer(new TwoRankFake(1), [p]);
        using var wrong = zeros(3, 4);
        var e = Assert.Throws<ArgumentException>(() => bucketer.AllReduceMean([wrong]));
        Assert.StartsWith("Gradient 0 is Float32 [3, 4]; the bucketer was laid out for Float32 [4, 3].", e.Message);

        e = Assert.Throws<ArgumentException>(() => bucketer.AllReduceMean([null!]));
        Assert.StartsWith("Gradient 0 (expected shape [4, 3]) is null.", e.Message);

        e = Assert.Throws<ArgumentException>(() => bucketer.AllReduceMean([]));
        Assert.StartsWith("GradientBucketer was laid out for 1 tensors; received 0 gradients.", e.Message);
    }

    [Fact]
    public void Should_RefuseIntegerTensors_When_LaidOut()
    {
        using var counts = zeros(3, dtype: ScalarType.Int64);
        var e = Assert.Throws<ArgumentException>(() => new GradientBucketer(new TwoRankFake(1), [counts]));
        Assert.StartsWith("GradientBucketer averages float32 or float64 gradients; tensor 0 (shape [3]) is Int64.", e.Message);
    }

    [Fact]
    public void Should_KeepItsBuffersAndCreateNoTensorPerStep_When_UsedInsideDisposeScopes()
    {
        using var p = zeros(100);
        using var g = ones(100);
        GradientBucketer bucketer;
        using (NewDisposeScope()) bucketer = new GradientBucketer(new TwoRankFake(1), [p]);
        // The buffers survived the scope they were created in, and a step inside a training scope leaves nothing behind.
        using (NewDisposeScope())
        {
            long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            for (int step = 0; step < 3; step++) bucketer.AllReduceMean([g]);
            Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        }
        Assert.Equal(100f, g.sum().item<float>());
        bucketer.Dispose();
    }
}
