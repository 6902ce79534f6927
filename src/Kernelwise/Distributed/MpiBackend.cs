using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using System.Text;
using Kernelwise.Distributed.Mpi;
using TorchSharp;
using static TorchSharp.torch;

namespace Kernelwise.Distributed;

/// <summary>
/// Collectives over <c>MPI_COMM_WORLD</c> with Open MPI (4.x, <c>libmpi.so.40</c>), called directly through its C API.
/// One per process: <see cref="Initialize"/> calls <c>MPI_Init_thread</c>, <see cref="Dispose"/> calls
/// <c>MPI_Finalize</c>, and MPI cannot be initialised again in the same process afterwards.
/// </summary>
/// <remarks>
/// <para>Tensors are reduced in place and without a copy: the tensor's own memory is passed to MPI
/// (<c>MPI_Allreduce</c> with <c>MPI_IN_PLACE</c>). They must be contiguous CPU tensors; the sum is over float32
/// (<c>MPI_FLOAT</c>), float64 (<c>MPI_DOUBLE</c>) or int64 (<c>MPI_INT64_T</c>) elements.</para>
/// <para>Errors: the world communicator's error handler is set to <c>MPI_ERRORS_RETURN</c>, so a failing call raises
/// an <see cref="MpiException"/> naming the call and the rank instead of killing the job silently. Whether the job
/// survives a failure is up to Open MPI: when a rank dies, <c>mpirun</c> ends the others (see docs/distributed.md).</para>
/// <para>Threads: MPI is initialised with <see cref="MpiThreadLevel.Serialized"/> requested. This class serialises its
/// own calls with a lock; if Open MPI provides less than that, calls from a thread other than the initialising one
/// are refused.</para>
/// </remarks>
public sealed class MpiBackend : ICollectiveBackend
{
    private static readonly object InitLock = new();
    private static MpiBackend? _live;
    private static bool _finalized;

    private readonly OpenMpiLibrary _mpi;
    private readonly object _callLock = new();
    private readonly int _initThread;
    private bool _disposed;

    private MpiBackend(OpenMpiLibrary mpi, MpiThreadLevel provided, int rank, int size, string version)
    {
        _mpi = mpi;
        ThreadLevel = provided;
        Rank = rank;
        Size = size;
        LibraryVersion = version;
        _initThread = Environment.CurrentManagedThreadId;
    }

    /// <summary>
    /// Initialises MPI in this process (<c>MPI_Init_thread</c> with <paramref name="threadLevel"/> requested), sets
    /// <c>MPI_ERRORS_RETURN</c> on <c>MPI_COMM_WORLD</c> and reads this process's rank and the world size.
    /// </summary>
    /// <exception cref="DllNotFoundException">Open MPI is not installed; the message names the package.</exception>
    /// <exception cref="InvalidOperationException">A backend is already live in this process, or MPI was finalised.</exception>
    public static MpiBackend Initialize(MpiThreadLevel threadLevel = MpiThreadLevel.Serialized)
    {
        lock (InitLock)
        {
            if (_live is not null)
                throw new InvalidOperationException($"MPI is already initialised in this process (rank {_live.Rank} of {_live.Size}); use that MpiBackend instead of initialising a second one.");
            if (_finalized)
                throw new InvalidOperationException("MPI was already finalised in this process, and MPI cannot be initialised twice in one process. Keep one MpiBackend for the whole run.");

            var mpi = OpenMpiLibrary.Load();
            Check(OpenMpiNative.MPI_Initialized(out int initialised), "MPI_Initialized", -1, 0);
            if (initialised != 0)
                throw new InvalidOperationException("MPI was initialised in this process by other code; Kernelwise's MpiBackend must be the one that initialises and finalises it.");
            Check(OpenMpiNative.MPI_Init_thread(IntPtr.Zero, IntPtr.Zero, (int)threadLevel, out int provided), "MPI_Init_thread", -1, 0);
            Check(OpenMpiNative.MPI_Comm_set_errhandler(mpi.CommWorld, mpi.ErrorsReturn), "MPI_Comm_set_errhandler", -1, 0);
            Check(OpenMpiNative.MPI_Comm_rank(mpi.CommWorld, out int rank), "MPI_Comm_rank", -1, 0);
            Check(OpenMpiNative.MPI_Comm_size(mpi.CommWorld, out int size), "MPI_Comm_size", rank, 0);
            _live = new MpiBackend(mpi, (MpiThreadLevel)provided, rank, size, ReadLibraryVersion());
            return _live;
        }
    }

    /// <inheritdoc/>
    public string Name => $"mpi ({LibraryVersion.Split(',')[0]}, thread level {ThreadLevel})";

    /// <inheritdoc/>
    public int Rank { get; }

    /// <inheritdoc/>
    public int Size { get; }

    /// <summary>The CPU: MPI reduces host memory.</summary>
    public DeviceType DeviceType => DeviceType.CPU;

    /// <summary>The thread support Open MPI provided (it may be more or less than requested).</summary>
    public MpiThreadLevel ThreadLevel { get; }

    /// <summary>The library's own version line (<c>MPI_Get_library_version</c>), e.g. <c>Open MPI v4.1.4, ...</c>.</summary>
    public string LibraryVersion { get; }

    /// <inheritdoc/>
    public void AllReduceSum(Tensor tensor)
    {
        TensorBuffers.CheckReducible(tensor, DeviceType.CPU, nameof(AllReduceSum));
        var type = tensor.dtype switch
        {
            ScalarType.Float32 => _mpi.Float,
            ScalarType.Float64 => _mpi.Double,
            _ => _mpi.Int64,
        };
        lock (_callLock)
        {
            EnsureUsable();
            TensorBuffers.ForEachChunk(tensor, (p, n) =>
                Check(OpenMpiNative.MPI_Allreduce(OpenMpiNative.InPlace, p, n, type, _mpi.Sum, _mpi.CommWorld), "MPI_Allreduce"));
        }
    }

    /// <inheritdoc/>
    public void AllReduceSum(Span<float> buffer) => AllReduce(MemoryMarshal.AsBytes(buffer), sizeof(float), _mpi.Float);

    /// <inheritdoc/>
    public void AllReduceSum(Span<double> buffer) => AllReduce(MemoryMarshal.AsBytes(buffer), sizeof(double), _mpi.Double);

    /// <inheritdoc/>
    public void AllReduceSum(Span<long> buffer) => AllReduce(MemoryMarshal.AsBytes(buffer), sizeof(long), _mpi.Int64);

    /// <inheritdoc/>
    public void Broadcast(Tensor tensor, int root = 0)
    {
        TensorBuffers.CheckContiguous(tensor, DeviceType.CPU, nameof(Broadcast));
        TensorBuffers.CheckRoot(root, Size);
        lock (_callLock)
        {
            EnsureUsable();
            // Any element type travels as bytes (a chunk is at most 1 GiB): broadcast copies, it does not compute.
            int elementSize = (int)tensor.element_size();
            TensorBuffers.ForEachChunk(tensor, (p, n) =>
                Check(OpenMpiNative.MPI_Bcast(p, n * elementSize, _mpi.Byte, root, _mpi.CommWorld), "MPI_Bcast"));
        }
    }

    /// <inheritdoc/>
    public unsafe void Broadcast(Span<byte> buffer, int root = 0)
    {
        TensorBuffers.CheckRoot(root, Size);
        if (buffer.IsEmpty) return;
        lock (_callLock)
        {
            EnsureUsable();
            fixed (byte* p = buffer) Check(OpenMpiNative.MPI_Bcast((IntPtr)p, buffer.Length, _mpi.Byte, root, _mpi.CommWorld), "MPI_Bcast");
        }
    }

    /// <inheritdoc/>
    public void Barrier()
    {
        lock (_callLock)
        {
            EnsureUsable();
            Check(OpenMpiNative.MPI_Barrier(_mpi.CommWorld), "MPI_Barrier");
        }
    }

    /// <summary>
    /// <c>MPI_Abort(MPI_COMM_WORLD, errorCode)</c>: Open MPI ends every rank of the job, and <c>mpirun</c> exits with
    /// <paramref name="errorCode"/>. Standard output and error are flushed first. No lock is taken: another thread may
    /// be blocked inside a collective.
    /// </summary>
    [DoesNotReturn]
    public void Abort(int errorCode)
    {
        Console.Out.Flush();
        Console.Error.Flush();
        OpenMpiNative.MPI_Abort(_mpi.CommWorld, errorCode);
        // MPI_Abort does not return in Open MPI; if it ever does, end this process at least.
        Environment.Exit(errorCode);
        throw new InvalidOperationException("MPI_Abort returned.");
    }

    /// <summary>
    /// <c>MPI_Finalize</c>. Every rank must reach it (it synchronises); MPI cannot be initialised again in this process.
    /// </summary>
    public void Dispose()
    {
        lock (InitLock)
        {
            if (_disposed) return;
            lock (_callLock)
            {
                _disposed = true;
                _finalized = true;
                _live = null;
                Check(OpenMpiNative.MPI_Finalize(), "MPI_Finalize");
            }
        }
    }

    private unsafe void AllReduce(Span<byte> bytes, int elementSize, IntPtr type)
    {
        if (bytes.IsEmpty) return;
        lock (_callLock)
        {
            EnsureUsable();
            fixed (byte* start = bytes)
            {
                long count = bytes.Length / elementSize, perChunk = TensorBuffers.MaxChunkBytes / elementSize;
                for (long done = 0; done < count; done += perChunk)
                {
                    int n = (int)Math.Min(perChunk, count - done);
                    Check(OpenMpiNative.MPI_Allreduce(OpenMpiNative.InPlace, (IntPtr)(start + done * elementSize), n, type, _mpi.Sum, _mpi.CommWorld), "MPI_Allreduce");
                }
            }
        }
    }

    private void EnsureUsable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (ThreadLevel < MpiThreadLevel.Serialized && Environment.CurrentManagedThreadId != _initThread)
        {
            throw new InvalidOperationException(
                $"Open MPI provided thread level {ThreadLevel}, so only the thread that initialised MPI (managed thread {_initThread}) may call it; " +
                $"this call came from managed thread {Environment.CurrentManagedThreadId}.");
        }
    }

    private void Check(int code, string call) => Check(code, call, Rank, Size);

    private static void Check(int code, string call, int rank, int size)
    {
        if (code != 0) throw new MpiException(call, rank, size, code, ErrorText(code));
    }

    private static unsafe string ErrorText(int code)
    {
        byte* text = stackalloc byte[OpenMpiNative.MaxString + 1];
        if (OpenMpiNative.MPI_Error_string(code, text, out int length) != 0) return "(no description)";
        return Encoding.UTF8.GetString(text, Math.Clamp(length, 0, OpenMpiNative.MaxString));
    }

    private static unsafe string ReadLibraryVersion()
    {
        byte* text = stackalloc byte[OpenMpiNative.MaxString + 1];
        if (OpenMpiNative.MPI_Get_library_version(text, out int length) != 0) return "Open MPI (version unknown)";
        return Encoding.UTF8.GetString(text, Math.Clamp(length, 0, OpenMpiNative.MaxString)).Trim('\0', ' ', '\n');
    }
}
