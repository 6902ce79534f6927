using Kernelwise.Distributed;

namespace Kernelwise.Tests.Distributed;

public sealed class MpiExceptionTests
{
    [Fact]
    public void Should_NameTheCallTheRankAndMpisText_When_ACallFails()
    {
        var e = new MpiException("MPI_Allreduce", 1, 4, 15, "MPI_ERR_TRUNCATE: message truncated");
        Assert.Equal("MPI_Allreduce failed on rank 1 of 4 with MPI error 15: MPI_ERR_TRUNCATE: message truncated", e.Message);
        Assert.Equal(("MPI_Allreduce", 1, 15), (e.Call, e.Rank, e.ErrorCode));
    }

    [Fact]
    public void Should_SaySoInsteadOfARank_When_TheRankIsNotKnownYet()
    {
        var e = new MpiException("MPI_Init_thread", -1, 0, 16, "MPI_ERR_OTHER: known error not in list");
        Assert.Equal("MPI_Init_thread failed before this process's rank was known with MPI error 16: MPI_ERR_OTHER: known error not in list", e.Message);
    }
}
