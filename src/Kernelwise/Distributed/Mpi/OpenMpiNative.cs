using System.Runtime.InteropServices;

namespace Kernelwise.Distributed.Mpi;

/// <summary>
/// The few functions of Open MPI's C API that Kernelwise calls, bound directly with <c>LibraryImport</c>.
/// </summary>
/// <remarks>
/// Open MPI's handles (<c>MPI_Comm</c>, <c>MPI_Datatype</c>, <c>MPI_Op</c>, <c>MPI_Errhandler</c>) are pointers, and its
/// predefined handles are the addresses of exported objects: <c>MPI_COMM_WORLD</c> is <c>&amp;ompi_mpi_comm_world</c>,
/// <c>MPI_FLOAT</c> is <c>&amp;ompi_mpi_float</c>, <c>MPI_SUM</c> is <c>&amp;ompi_mpi_op_sum</c> (see Open MPI's
/// <c>mpi.h</c>, <c>OMPI_PREDEFINED_GLOBAL</c>). <see cref="OpenMpiLibrary"/> resolves them by name. Every function
/// returns an MPI error code (0 is <c>MPI_SUCCESS</c>) once <c>MPI_ERRORS_RETURN</c> is the communicator's handler.
/// MPICH and MS-MPI use integer handles instead; this binding is for Open MPI (ABI of 4.x, <c>libmpi.so.40</c>) only.
/// </remarks>
internal static unsafe partial class OpenMpiNative
{
    /// <summary>The soname of Open MPI 4.x's C library (Debian/Ubuntu package <c>libopenmpi3</c>).</summary>
    public const string Library = "libmpi.so.40";

    /// <summary><c>MPI_IN_PLACE</c> is <c>(void*)1</c> in Open MPI's <c>mpi.h</c>.</summary>
    public static readonly IntPtr InPlace = 1;

    /// <summary><c>MPI_MAX_ERROR_STRING</c> and <c>MPI_MAX_LIBRARY_VERSION_STRING</c> in Open MPI 4.x are 256.</summary>
    public const int MaxString = 256;

    [LibraryImport(Library)] public static partial int MPI_Initialized(out int flag);
    [LibraryImport(Library)] public static partial int MPI_Init_thread(IntPtr argc, IntPtr argv, int required, out int provided);
    [LibraryImport(Library)] public static partial int MPI_Comm_rank(IntPtr comm, out int rank);
    [LibraryImport(Library)] public static partial int MPI_Comm_size(IntPtr comm, out int size);
    [LibraryImport(Library)] public static partial int MPI_Comm_set_errhandler(IntPtr comm, IntPtr errhandler);
    [LibraryImport(Library)] public static partial int MPI_Allreduce(IntPtr sendbuf, IntPtr recvbuf, int count, IntPtr datatype, IntPtr op, IntPtr comm);
    [LibraryImport(Library)] public static partial int MPI_Bcast(IntPtr buffer, int count, IntPtr datatype, int root, IntPtr comm);
    [LibraryImport(Library)] public static partial int MPI_Barrier(IntPtr comm);
    [LibraryImport(Library)] public static partial int MPI_Abort(IntPtr comm, int errorcode);
    [LibraryImport(Library)] public static partial int MPI_Finalize();
    [LibraryImport(Library)] public static partial int MPI_Error_string(int errorcode, byte* text, out int length);
    [LibraryImport(Library)] public static partial int MPI_Get_library_version(byte* version, out int length);
}
