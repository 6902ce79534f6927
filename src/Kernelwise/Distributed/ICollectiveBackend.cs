using System.Diagnostics.CodeAnalysis;
using TorchSharp;
using static TorchSharp.torch;

namespace Kernelwise.Distributed;

/// <summary>
/// The collective operations data-parallel training needs, over one group of processes ("ranks"): an in-place
/// all-reduce sum, a broadcast from one rank, a barrier and an abort. Every rank must make the same calls in the same
/// order with buffers of the same size — that is what makes them collective.
/// </summary>
/// <remarks>
/// <para>Implementations: <see cref="MpiBackend"/> (Open MPI, CPU tensors) and <see cref="SingleProcessBackend"/> (one
/// process, where every collective is the identity). <see cref="Collectives.FromEnvironment"/> picks one from how the
/// process was launched. A backend for CUDA tensors (NCCL) would implement the same interface with
/// <see cref="DeviceType"/> <c>CUDA</c>; none is written yet.</para>
/// <para>The PyTorch equivalents are <c>torch.distributed.all_reduce(t, op=SUM)</c>, <c>broadcast(t, src)</c> and
/// <c>barrier()</c>; Horovod's are <c>hvd.allreduce</c> and <c>hvd.broadcast</c>.</para>
/// <para>Tensors are reduced in place and without copying: they must be contiguous and live on
/// <see cref="DeviceType"/>. Disposing the backend finalises it (for MPI, <c>MPI_Finalize</c>, which every rank
/// must reach).</para>
/// </remarks>
public interface ICollectiveBackend : IDisposable
{
    /// <summary>A short description, e.g. <c>mpi (Open MPI v4.1.4, ...)</c> or <c>single-process</c>.</summary>
    string Name { get; }

    /// <summary>This process's index in the group, 0 to <see cref="Size"/> − 1. Rank 0 is the one that prints and saves.</summary>
    int Rank { get; }

    /// <summary>The number of processes in the group (1 for a single process).</summary>
    int Size { get; }

    /// <summary>The device whose tensors this backend reduces (<c>CPU</c> for MPI).</summary>
    DeviceType DeviceType { get; }

    /// <summary>
    /// Replaces <paramref name="tensor"/> by the element-wise sum of every rank's tensor of the same shape.
    /// </summary>
    /// <param name="tensor">A contiguous float32, float64 or int64 tensor on <see cref="DeviceType"/>.</param>
    void AllReduceSum(Tensor tensor);

    /// <summary>Replaces <paramref name="buffer"/> by the element-wise sum over all ranks.</summary>
    void AllReduceSum(Span<float> buffer);

    /// <inheritdoc cref="AllReduceSum(Span{float})"/>
    void AllReduceSum(Span<double> buffer);

    /// <inheritdoc cref="AllReduceSum(Span{float})"/>
    void AllReduceSum(Span<long> buffer);

    /// <summary>Overwrites <paramref name="tensor"/> on every rank with rank <paramref name="root"/>'s tensor.</summary>
    /// <param name="tensor">A contiguous tensor of any element type on <see cref="DeviceType"/>, the same shape on every rank.</param>
    /// <param name="root">The rank whose values are sent.</param>
    void Broadcast(Tensor tensor, int root = 0);

    /// <summary>Overwrites <paramref name="buffer"/> on every rank with rank <paramref name="root"/>'s bytes.</summary>
    void Broadcast(Span<byte> buffer, int root = 0);

    /// <summary>Returns once every rank has called it.</summary>
    void Barrier();

    /// <summary>
    /// Ends every rank of the group with <paramref name="errorCode"/> as the exit status (MPI: <c>MPI_Abort</c>). Call it
    /// when one rank fails, so that the others, blocked in a collective, do not wait forever. Never returns.
    /// </summary>
    [DoesNotReturn]
    void Abort(int errorCode);
}
