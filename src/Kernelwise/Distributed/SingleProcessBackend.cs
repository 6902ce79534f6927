using System.Diagnostics.CodeAnalysis;
using TorchSharp;
using static TorchSharp.torch;

namespace Kernelwise.Distributed;

/// <summary>
/// The group of one: rank 0 of size 1, where every collective is the identity. It is what
/// <see cref="Collectives.FromEnvironment"/> returns for a process not started by an MPI launcher, so the same
/// training code runs unchanged in one process. Arguments are checked as strictly as by <see cref="MpiBackend"/>, so
/// a call that would fail under <c>mpirun</c> fails here too.
/// </summary>
public sealed class SingleProcessBackend : ICollectiveBackend
{
    /// <summary>A single-process group reducing tensors on <paramref name="deviceType"/> (the CPU unless given).</summary>
    public SingleProcessBackend(DeviceType deviceType = DeviceType.CPU) => DeviceType = deviceType;

    /// <inheritdoc/>
    public string Name => "single-process";

    /// <inheritdoc/>
    public int Rank => 0;

    /// <inheritdoc/>
    public int Size => 1;

    /// <inheritdoc/>
    public DeviceType DeviceType { get; }

    /// <inheritdoc/>
    public void AllReduceSum(Tensor tensor) => TensorBuffers.CheckReducible(tensor, DeviceType, nameof(AllReduceSum));

    /// <inheritdoc/>
    public void AllReduceSum(Span<float> buffer) { }

    /// <inheritdoc/>
    public void AllReduceSum(Span<double> buffer) { }

    /// <inheritdoc/>
    public void AllReduceSum(Span<long> buffer) { }

    /// <inheritdoc/>
    public void Broadcast(Tensor tensor, int root = 0)
    {
        TensorBuffers.CheckContiguous(tensor, DeviceType, nameof(Broadcast));
        TensorBuffers.CheckRoot(root, Size);
    }

    /// <inheritdoc/>
    public void Broadcast(Span<byte> buffer, int root = 0) => TensorBuffers.CheckRoot(root, Size);

    /// <inheritdoc/>
    public void Barrier() { }

    /// <summary>Ends this process with <paramref name="errorCode"/> (<see cref="Environment.Exit"/>).</summary>
    [DoesNotReturn]
    public void Abort(int errorCode)
    {
        Environment.Exit(errorCode);
        throw new InvalidOperationException("Environment.Exit returned.");
    }

    /// <summary>Nothing to release.</summary>
    public void Dispose() { }
}
