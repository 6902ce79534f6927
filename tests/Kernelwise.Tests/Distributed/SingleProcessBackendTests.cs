using Kernelwise.Distributed;
using TorchSharp;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Distributed;

public sealed class SingleProcessBackendTests
{
    [Fact]
    public void Should_BeRankZeroOfOne_When_Created()
    {
        using var b = new SingleProcessBackend();
        Assert.Equal((0, 1, DeviceType.CPU, "single-process"), (b.Rank, b.Size, b.DeviceType, b.Name));
    }

    [Fact]
    public void Should_LeaveValuesUnchanged_When_ReducingOrBroadcasting()
    {
        using var b = new SingleProcessBackend();
        using var t = arange(6, dtype: ScalarType.Float32);
        b.AllReduceSum(t);
        b.Broadcast(t);
        b.Barrier();
        var span = new[] { 1.5, 2.5 };
        b.AllReduceSum(span.AsSpan());
        Assert.Equal(new float[] { 0, 1, 2, 3, 4, 5 }, t.data<float>().ToArray());
        Assert.Equal(new[] { 1.5, 2.5 }, span);
    }

    [Fact]
    public void Should_RefuseWhatMpiWouldRefuse_When_ArgumentsAreInvalid()
    {
        using var b = new SingleProcessBackend();
        using var strided = zeros(3, 4).t();
        var e = Assert.Throws<ArgumentException>(() => b.AllReduceSum(strided));
        Assert.StartsWith("AllReduceSum works in place on the tensor's memory, so it expected a contiguous tensor; received a non-contiguous one of shape [4, 3] with strides [1, 4].", e.Message);

        using var ints = zeros(3, dtype: ScalarType.Int32);
        e = Assert.Throws<ArgumentException>(() => b.AllReduceSum(ints));
        Assert.StartsWith("AllReduceSum sums float32, float64 or int64 tensors; received a tensor of type Int32.", e.Message);

        using var ok = zeros(3);
        var root = Assert.Throws<ArgumentOutOfRangeException>(() => b.Broadcast(ok, root: 1));
        Assert.StartsWith("Invalid value for argument root. Expected a rank from 0 to 0 (the group has 1 rank(s)). Received root=1.", root.Message);
    }

    [Fact]
    public void Should_ReturnTheSingleProcessBackend_When_NotLaunchedByMpi()
    {
        Assert.SkipWhen(MpiLaunch.Detect() is not null, "The test host itself was started by an MPI launcher.");
        using var b = Collectives.FromEnvironment();
        Assert.IsType<SingleProcessBackend>(b);
    }

    [Fact]
    public void Should_PropagateTheException_When_RunOrAbortFailsInASingleProcess()
    {
        using var b = new SingleProcessBackend();
        var e = Assert.Throws<InvalidOperationException>(() => b.RunOrAbort(() => throw new InvalidOperationException("boom")));
        Assert.Equal("boom", e.Message);
        Assert.Equal(7, b.RunOrAbort(() => 7));
    }

    [Fact]
    public void Should_DoNothing_When_BroadcastingOrCheckingTensorsInASingleProcess()
    {
        using var b = new SingleProcessBackend();
        using var w = ones(2, 2);
        b.EnsureSameTensors([("w", w)]);
        Assert.Same(b, b.BroadcastTensors([w]));
        Assert.Equal(4f, w.sum().item<float>());
    }
}
