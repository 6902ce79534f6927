namespace Kernelwise.Distributed;

/// <summary>
/// MPI's levels of thread support (<c>MPI_THREAD_SINGLE</c> … <c>MPI_THREAD_MULTIPLE</c>), in the standard's order.
/// </summary>
public enum MpiThreadLevel
{
    /// <summary>Only one thread exists.</summary>
    Single = 0,

    /// <summary>Several threads may exist, but only the one that initialised MPI calls it.</summary>
    Funneled = 1,

    /// <summary>Any thread may call MPI, one at a time.</summary>
    Serialized = 2,

    /// <summary>Any thread may call MPI at any time.</summary>
    Multiple = 3,
}
