namespace Kernelwise.Distributed;

/// <summary>
/// An MPI call returned an error. The message names the call, the rank, the error code and MPI's own text for it.
/// </summary>
public sealed class MpiException : Exception
{
    /// <summary>An error of <paramref name="call"/> on <paramref name="rank"/> of <paramref name="size"/>.</summary>
    public MpiException(string call, int rank, int size, int errorCode, string errorText)
        : base($"{call} failed {(rank >= 0 ? $"on rank {rank} of {size}" : "before this process's rank was known")} with MPI error {errorCode}: {errorText}")
    {
        Call = call;
        Rank = rank;
        ErrorCode = errorCode;
    }

    /// <summary>The MPI function that failed, e.g. <c>MPI_Allreduce</c>.</summary>
    public string Call { get; }

    /// <summary>The rank on which it failed (−1 before the rank is known).</summary>
    public int Rank { get; }

    /// <summary>MPI's error code (an <c>MPI_ERR_*</c> class in Open MPI).</summary>
    public int ErrorCode { get; }
}
