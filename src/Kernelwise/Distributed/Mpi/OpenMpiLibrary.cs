using System.Runtime.InteropServices;

namespace Kernelwise.Distributed.Mpi;

/// <summary>
/// Loads Open MPI's C library and resolves its predefined handles (the addresses of exported objects).
/// </summary>
internal sealed class OpenMpiLibrary
{
    /// <summary>What to install when the library is missing; named in the error.</summary>
    public const string InstallHint =
        "Install Open MPI: 'apt-get install openmpi-bin libopenmpi-dev' on Debian/Ubuntu " +
        "('dnf install openmpi' on Fedora/RHEL, then 'module load mpi/openmpi-x86_64'), and launch the program with mpirun.";

    private OpenMpiLibrary(IntPtr handle)
    {
        CommWorld = Export(handle, "ompi_mpi_comm_world");
        Float = Export(handle, "ompi_mpi_float");
        Double = Export(handle, "ompi_mpi_double");
        Int64 = Export(handle, "ompi_mpi_int64_t");
        Byte = Export(handle, "ompi_mpi_byte");
        Sum = Export(handle, "ompi_mpi_op_sum");
        ErrorsReturn = Export(handle, "ompi_mpi_errors_return");
    }

    /// <summary><c>MPI_COMM_WORLD</c>.</summary>
    public IntPtr CommWorld { get; }
    /// <summary><c>MPI_FLOAT</c>.</summary>
    public IntPtr Float { get; }
    /// <summary><c>MPI_DOUBLE</c>.</summary>
    public IntPtr Double { get; }
    /// <summary><c>MPI_INT64_T</c>.</summary>
    public IntPtr Int64 { get; }
    /// <summary><c>MPI_BYTE</c>.</summary>
    public IntPtr Byte { get; }
    /// <summary><c>MPI_SUM</c>.</summary>
    public IntPtr Sum { get; }
    /// <summary><c>MPI_ERRORS_RETURN</c>.</summary>
    public IntPtr ErrorsReturn { get; }

    /// <summary>
    /// Loads <paramref name="libraryName"/> (Open MPI's <c>libmpi.so.40</c> unless a test names another) and resolves
    /// the handles, or throws <see cref="DllNotFoundException"/> naming the library and the package to install.
    /// </summary>
    public static OpenMpiLibrary Load(string libraryName = OpenMpiNative.Library)
    {
        IntPtr handle;
        try
        {
            handle = NativeLibrary.Load(libraryName);
        }
        catch (DllNotFoundException e)
        {
            throw new DllNotFoundException(
                $"Open MPI's library '{libraryName}' could not be loaded, so Kernelwise cannot run as one rank of an MPI job. " +
                $"{InstallHint} (The loader said: {FirstLine(e.Message)})", e);
        }
        if (!NativeLibrary.TryGetExport(handle, "ompi_mpi_comm_world", out _))
        {
            throw new DllNotFoundException(
                $"The library '{libraryName}' loaded, but it is not Open MPI: it exports no 'ompi_mpi_comm_world'. " +
                $"Kernelwise's MPI backend is written against Open MPI 4.x (libmpi.so.40). {InstallHint}");
        }
        return new OpenMpiLibrary(handle);
    }

    private static IntPtr Export(IntPtr handle, string name)
    {
        if (NativeLibrary.TryGetExport(handle, name, out var address)) return address;
        throw new EntryPointNotFoundException(
            $"Open MPI's library exports no '{name}'; Kernelwise expects the Open MPI 4.x ABI (libmpi.so.40). {InstallHint}");
    }

    private static string FirstLine(string text)
    {
        int end = text.IndexOf('\n');
        return (end < 0 ? text : text[..end]).Trim();
    }
}
