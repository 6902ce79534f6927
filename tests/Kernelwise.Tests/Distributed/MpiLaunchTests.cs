using System.Collections;
using Kernelwise.Distributed;

namespace Kernelwise.Tests.Distributed;

public sealed class MpiLaunchTests
{
    private static Hashtable Env(params (string Name, string Value)[] vars)
    {
        var env = new Hashtable { ["PATH"] = "/usr/bin", ["HOME"] = "/root" };
        foreach (var (n, v) in vars) env[n] = v;
        return env;
    }

    [Fact]
    public void Should_ReturnNull_When_NoLauncherVariableIsSet() => Assert.Null(MpiLaunch.Detect(Env()));

    [Fact]
    public void Should_ReadOpenMpisVariables_When_LaunchedByMpirun() =>
        Assert.Equal(new MpiLaunch(1, 2, "OMPI_COMM_WORLD_RANK"), MpiLaunch.Detect(Env(("OMPI_COMM_WORLD_RANK", "1"), ("OMPI_COMM_WORLD_SIZE", "2"))));

    [Fact]
    public void Should_ReadPmiVariables_When_LaunchedByHydraOrSlurm() =>
        Assert.Equal(new MpiLaunch(3, 8, "PMI_RANK"), MpiLaunch.Detect(Env(("PMI_RANK", "3"), ("PMI_SIZE", "8"))));

    [Fact]
    public void Should_LeaveTheSizeUnknown_When_OnlyPmixRankIsSet() =>
        Assert.Equal(new MpiLaunch(0, null, "PMIX_RANK"), MpiLaunch.Detect(Env(("PMIX_RANK", "0"))));

    [Fact]
    public void Should_PreferOpenMpisVariables_When_SeveralLaunchersSetTheirs() =>
        Assert.Equal("OMPI_COMM_WORLD_RANK", MpiLaunch.Detect(Env(("PMIX_RANK", "5"), ("OMPI_COMM_WORLD_RANK", "0"), ("OMPI_COMM_WORLD_SIZE", "1")))!.Source);

    [Fact]
    public void Should_NameTheVariableAndValue_When_TheRankIsNotANumber()
    {
        var e = Assert.Throws<InvalidOperationException>(() => MpiLaunch.Detect(Env(("OMPI_COMM_WORLD_RANK", "one"))));
        Assert.StartsWith("The environment variable OMPI_COMM_WORLD_RANK is set to 'one', which is not an integer of 0 or more.", e.Message);
    }

    [Fact]
    public void Should_Refuse_When_TheRankIsNotBelowTheSize()
    {
        var e = Assert.Throws<InvalidOperationException>(() => MpiLaunch.Detect(Env(("PMI_RANK", "4"), ("PMI_SIZE", "4"))));
        Assert.Equal("The MPI launch variables disagree: PMI_RANK=4 is not below PMI_SIZE=4.", e.Message);
    }
}
