using Kernelwise.Distributed.Mpi;

namespace Kernelwise.Tests.Distributed;

public sealed class OpenMpiLibraryTests
{
    [Fact]
    public void Should_NameTheLibraryAndThePackageToInstall_When_OpenMpiIsMissing()
    {
        var e = Assert.Throws<DllNotFoundException>(() => OpenMpiLibrary.Load("libmpi-kernelwise-absent.so.40"));
        Assert.StartsWith("Open MPI's library 'libmpi-kernelwise-absent.so.40' could not be loaded", e.Message);
        Assert.Contains("apt-get install openmpi-bin libopenmpi-dev", e.Message);
    }

    [Fact]
    public void Should_Refuse_When_TheLibraryIsNotOpenMpi()
    {
        // libc loads, but it is not an MPI library.
        var e = Assert.Throws<DllNotFoundException>(() => OpenMpiLibrary.Load("libc.so.6"));
        Assert.StartsWith("The library 'libc.so.6' loaded, but it is not Open MPI: it exports no 'ompi_mpi_comm_world'.", e.Message);
    }

    [Fact]
    public void Should_ResolveThePredefinedHandles_When_OpenMpiIsInstalled()
    {
        Assert.SkipUnless(System.Runtime.InteropServices.NativeLibrary.TryLoad(OpenMpiNative.Library, out _),
            $"Open MPI's {OpenMpiNative.Library} is not installed; install it with: apt-get install openmpi-bin libopenmpi-dev");
        var mpi = OpenMpiLibrary.Load();
        var handles = new[] { mpi.CommWorld, mpi.Float, mpi.Double, mpi.Int64, mpi.Byte, mpi.Sum, mpi.ErrorsReturn };
        Assert.All(handles, h => Assert.NotEqual(IntPtr.Zero, h));
        Assert.Equal(handles.Length, handles.Distinct().Count());
    }
}
