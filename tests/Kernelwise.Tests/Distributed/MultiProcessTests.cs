using System.Text.RegularExpressions;

namespace Kernelwise.Tests.Distributed;

/// <summary>
/// Two real ranks under Open MPI's mpirun (tests/Kernelwise.DistributedProbe, one libtorch thread each): results of
/// the collectives across processes, bucketed gradient averaging, and what happens when a rank fails. Skipped, with
/// the reason, where mpirun is not installed.
/// </summary>
public sealed class MultiProcessTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    /// <summary>How long the other ranks may take to end after one fails.</summary>
    private static readonly TimeSpan FaultBound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Should_SumAndBroadcastAcrossRanks_When_TwoRanksRunUnderMpirun()
    {
        Assert.SkipWhen(ProbeProcess.SkipReason is not null, ProbeProcess.SkipReason ?? "");
        using var probe = await ProbeProcess.Mpirun(2, "collectives").WaitAsync(Deadline);

        Assert.True(probe.ExitCode == 0, $"exit code {probe.ExitCode}\n{probe.Output}");
        foreach (int rank in new[] { 0, 1 })
        {
            Assert.Matches($@"rank {rank} of 2: backend mpi \(Open MPI v4\.[^,)]*, thread level (Serialized|Multiple)\); launch OMPI_COMM_WORLD_RANK", probe.Stdout);
            Assert.Contains($"rank {rank}: collectives ok", probe.Stdout);
        }
    }

    [Fact]
    public async Task Should_AverageGradientsToTheWholeBatchGradient_When_EachRankTrainsOnItsPart()
    {
        Assert.SkipWhen(ProbeProcess.SkipReason is not null, ProbeProcess.SkipReason ?? "");
        using var probe = await ProbeProcess.Mpirun(2, "bucketing").WaitAsync(Deadline);

        Assert.True(probe.ExitCode == 0, $"exit code {probe.ExitCode}\n{probe.Output}");
        foreach (int rank in new[] { 0, 1 })
        {
            var m = Regex.Match(probe.Stdout, $@"rank {rank}: bucketing ok buckets (\d+) max-diff (\S+)");
            Assert.True(m.Success, probe.Output);
            Assert.True(int.Parse(m.Groups[1].Value) > 1, $"expected several buckets\n{probe.Output}");
            Assert.InRange(double.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture), 0, 1e-6);
        }
    }

    [Fact]
    public async Task Should_RefuseOnEveryRank_When_OneRankBuildsADifferentModel()
    {
        Assert.SkipWhen(ProbeProcess.SkipReason is not null, ProbeProcess.SkipReason ?? "");
        using var probe = await ProbeProcess.Mpirun(2, "mismatch").WaitAsync(Deadline);

        Assert.True(probe.ExitCode == 0, $"exit code {probe.ExitCode}\n{probe.Output}");
        Assert.Contains("rank 1: refused: The model on rank 1 differs from rank 0's: tensor 1 is 'dense.bias' Float32 [5] here and 'dense.bias' Float32 [4] on rank 0.", probe.Stdout);
        Assert.Contains("rank 0: refused: The model differs across ranks: rank(s) 1 hold a different model", probe.Stdout);
        Assert.DoesNotContain("accepted", probe.Stdout);
    }

    [Fact]
    public async Task Should_EndEveryRankWithAnErrorNamingTheRank_When_OneRankThrows()
    {
        Assert.SkipWhen(ProbeProcess.SkipReason is not null, ProbeProcess.SkipReason ?? "");
        // Rank 1 throws at step 5 while rank 0 waits in the next all-reduce; RunOrAbort calls MPI_Abort.
        using var probe = await ProbeProcess.Mpirun(2, "throw").WaitAsync(Deadline);

        Assert.True(probe.Elapsed < FaultBound, $"took {probe.Elapsed.TotalSeconds:F1} s\n{probe.Output}");
        Assert.True(probe.ExitCode == 3, $"expected the abort's error code 3; exit code {probe.ExitCode}\n{probe.Output}");
        Assert.Contains("Rank 1 of 2 failed; aborting all ranks (exit code 3). System.InvalidOperationException: deliberate failure at step 5", probe.Stderr);
        // Open MPI's own "MPI_ABORT was invoked on rank 1" notice is usually printed too, but not always: in about 2 runs
        // out of 5 here mpirun loses it ("ORTE_ERROR_LOG: Data unpack would read past end of buffer ... show_help.c").
        // The rank's own line above is what names the failure reliably.
    }

    [Fact]
    public async Task Should_EndTheOtherRankWithAnErrorNamingTheRank_When_ARankIsKilled()
    {
        Assert.SkipWhen(ProbeProcess.SkipReason is not null, ProbeProcess.SkipReason ?? "");
        // Both ranks all-reduce in a loop; rank 1 is sent SIGKILL mid-run (no chance to clean up).
        using var probe = ProbeProcess.Mpirun(2, "kill");
        var ready = await probe.WaitForLineAsync(@"rank 1 pid (\d+) ready", Deadline);
        using (var victim = System.Diagnostics.Process.GetProcessById(int.Parse(ready.Groups[1].Value)))
            victim.Kill();                                   // SIGKILL on Linux
        var killedAt = probe.Elapsed;
        await probe.WaitAsync(Deadline);

        var stop = probe.Elapsed - killedAt;
        Assert.True(stop < FaultBound, $"mpirun took {stop.TotalSeconds:F1} s to end the job after rank 1 was killed\n{probe.Output}");
        Assert.True(probe.ExitCode != 0, $"mpirun exited 0 after a rank was killed\n{probe.Output}");
        Assert.Matches(@"process rank 1 with PID \d+ on node \S+ exited on signal 9 \(Killed\)", probe.Output);
        Assert.DoesNotContain("ran 120 s without being killed", probe.Output);
    }

    [Fact]
    public async Task Should_RunAsAnOrdinarySingleProcess_When_NotLaunchedByMpi()
    {
        // No mpirun needed: this is the path every non-distributed user takes.
        using var probe = await ProbeProcess.Alone("collectives").WaitAsync(Deadline);
        Assert.True(probe.ExitCode == 0, $"exit code {probe.ExitCode}\n{probe.Output}");
        Assert.Contains("rank 0 of 1: backend single-process; launch none", probe.Stdout);
        Assert.Contains("rank 0: collectives ok", probe.Stdout);

        using var bucketing = await ProbeProcess.Alone("bucketing").WaitAsync(Deadline);
        Assert.True(bucketing.ExitCode == 0, $"exit code {bucketing.ExitCode}\n{bucketing.Output}");
        Assert.Contains("rank 0: bucketing ok buckets 0 max-diff 0", bucketing.Stdout);
    }
}
