namespace Kernelwise.Distributed;

/// <summary>
/// Picks the collective backend for this process from how it was started: <see cref="MpiBackend"/> under an MPI
/// launcher (<c>mpirun</c>, <c>srun</c>; see <see cref="MpiLaunch"/>), otherwise <see cref="SingleProcessBackend"/> —
/// so running without <c>mpirun</c> is an ordinary single-process run.
/// </summary>
public static class Collectives
{
    /// <summary>
    /// <see cref="MpiBackend.Initialize"/> when <see cref="MpiLaunch.Detect()"/> finds an MPI launch, else a
    /// <see cref="SingleProcessBackend"/>. The caller owns the result and disposes it when training ends.
    /// </summary>
    /// <exception cref="DllNotFoundException">Launched by MPI, but Open MPI's library is missing (the message names the package).</exception>
    public static ICollectiveBackend FromEnvironment() =>
        MpiLaunch.Detect() is null ? new SingleProcessBackend() : MpiBackend.Initialize();
}
