using System.Globalization;
using System.Text.RegularExpressions;

namespace Kernelwise.Tests.Distributed;

/// <summary>
/// Data-parallel <c>Fit</c> across two real ranks under mpirun (tests/Kernelwise.DistributedProbe, fit-* modes, one
/// libtorch thread per rank, <c>new DataParallel()</c> as a script uses it): the same weights and metrics as one process
/// with the whole batch, exact resume, files written by rank 0 only, and every fault ending every rank in bounded time.
/// Skipped, with the reason, where mpirun is not installed.
/// </summary>
public sealed class DataParallelFitTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    /// <summary>How long the other rank may take to end after one fails.</summary>
    private static readonly TimeSpan FaultBound = TimeSpan.FromSeconds(30);

    /// <summary>Largest weight difference allowed between 2 ranks × 64 and 1 process × 128 after 20 Adam steps (float32; 6e-8 measured).</summary>
    private const double WeightTolerance = 1e-5;

    private static Dictionary<string, string> Fields(string line) =>
        Regex.Matches(line, @"(\S+)=(\S+)").ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);

    private static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    private static string Line(ProbeProcess probe, string start)
    {
        var line = probe.Stdout.Split('\n').FirstOrDefault(l => l.StartsWith(start, StringComparison.Ordinal));
        Assert.True(line is not null, $"no line starting '{start}'\n{probe.Output}");
        return line!;
    }

    [Fact]
    public async Task Should_EndWithTheWeightsAndMetricsOfOneProcess_When_TwoRanksTrainOnHalfTheBatch()
    {
        Assert.SkipWhen(ProbeProcess.SkipReason is not null, ProbeProcess.SkipReason ?? "");
        // Given 2 ranks × batch 64 for 20 steps, and (in each rank) 1 process × batch 128 over the same shuffled samples
        using var probe = await ProbeProcess.Mpirun(2, "fit-compare", "--steps", "20", "--batch", "64").WaitAsync(Deadline);

        Assert.True(probe.ExitCode == 0, $"exit code {probe.ExitCode}\n{probe.Output}");
        foreach (int rank in new[] { 0, 1 })
        {
            var f = Fields(Line(probe, $"rank {rank}: compare "));
            // Then the weights agree to float tolerance, and both ranks hold the same weights bit for bit
            Assert.InRange(Number(f["max-weight-diff"]), 0, WeightTolerance);
            Assert.Equal("True", f["ranks-identical"]);
            // And the epoch's metrics are the ones one process reports: counts exactly, losses to float rounding
            foreach (var key in new[] { "accuracy", "f1_score", "val_accuracy", "val_f1_score" })
            {
                var pair = f[key].Split('/');
                Assert.True(pair[0] == pair[1], $"{key}: {f[key]} on rank {rank}\n{probe.Output}");
            }
            foreach (var key in new[] { "loss", "val_loss" })
            {
                var pair = f[key].Split('/').Select(Number).ToArray();
                Assert.True(Math.Abs(pair[0] - pair[1]) <= 1e-5 * Math.Abs(pair[1]), $"{key}: {f[key]} on rank {rank}\n{probe.Output}");
            }
            // And a last global batch of one sample, which leaves rank 0 without samples, keeps them equal
            Assert.InRange(Number(f["short-batch-weight-diff"]), 0, WeightTolerance);
            Assert.Equal("True", f["short-ranks-identical"]);
            Assert.Equal("22", f["averagings"]);
            // And a stop asked for by a callback in rank 1 only stops both ranks after the same batch
            Assert.Contains($"rank {rank}: stop outcome=StoppedEarly at=0:2 reason=", probe.Stdout);
            // And with batch normalisation and dropout, the ranks end with the same weights and running averages
            // (rank 0's, broadcast after every update) but draw dropout masks of their own
            Assert.Contains($"rank {rank}: batchnorm-dropout state-identical=True dropout-differs=True", probe.Stdout);
            // And parameters with a gradient in one rank only join the average (zeros elsewhere), while a head without a
            // loss, with a gradient in no rank, is left alone by the optimizer (weight decay would otherwise move it)
            Assert.Contains($"rank {rank}: partial-gradients ranks-identical=True spare-unchanged=True trained-moved=True", probe.Stdout);
            // And mixed float16 precision with loss scaling keeps the ranks identical, with the same scale
            Assert.Contains($"rank {rank}: mixed-float16 ranks-identical=True same-scale=True", probe.Stdout);
        }
        Assert.Contains("rank 0: stop outcome=StoppedEarly at=0:2 reason=training was stopped on rank 1 of 2", probe.Stdout);
        Assert.Contains("rank 1: stop outcome=StoppedEarly at=0:2 reason=stopped by the probe", probe.Stdout);
        var last = probe.Stdout.TrimEnd().Split('\n')[^1];
        Assert.StartsWith("largest weight difference: ", last);
    }

    [Fact]
    public async Task Should_ResumeExactlyAndWriteFilesOnRankZeroOnly_When_TwoRanksResumeFromACheckpoint()
    {
        Assert.SkipWhen(ProbeProcess.SkipReason is not null, ProbeProcess.SkipReason ?? "");
        var folder = Directory.CreateTempSubdirectory("kw-dp-resume-");
        try
        {
            // Given a run of 3 epochs, one interrupted by rank 1 alone in epoch 2, and resumes of both checkpoints
            using var probe = await ProbeProcess.Mpirun(2, "fit-resume", folder.FullName).WaitAsync(Deadline);

            Assert.True(probe.ExitCode == 0, $"exit code {probe.ExitCode}\n{probe.Output}");
            foreach (int rank in new[] { 0, 1 })
            {
                var line = Line(probe, $"rank {rank}: resume ");
                // Then both ranks stopped after the same batch, and both resumed runs end with the uninterrupted run's weights, bit for bit
                Assert.Contains("interrupted-at=1:4 mid-epoch-diff=0 epoch-end-diff=0 ", line);
                // And the interrupted epoch's figures (summed over the ranks before the checkpoint) and the last epoch's are the same
                foreach (var (key, value) in Fields(line).Where(kv => kv.Value.Contains('/')))
                {
                    var pair = value.Split('/');
                    Assert.True(pair[0] == pair[1], $"{key}: {value} on rank {rank}\n{probe.Output}");
                }
                // And only rank 0 wrote checkpoints, the CSV log and TensorBoard files
                Assert.Contains("files=epoch1-r0.kwckpt,epoch2-r0.kwckpt,epoch3-r0.kwckpt,interrupted-r0.kwckpt,log-r0.csv,tensorboard-r0", line);
            }
            Assert.Equal(4, File.ReadAllLines(Path.Combine(folder.FullName, "log-r0.csv")).Length);      // header and 3 epochs
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Should_EndEveryRankWithAnErrorNamingTheRank_When_ACallbackThrowsInOneRank()
    {
        Assert.SkipWhen(ProbeProcess.SkipReason is not null, ProbeProcess.SkipReason ?? "");
        // Given rank 1's callback throwing after its fourth step, while rank 0 goes on to its next all-reduce
        using var probe = await ProbeProcess.Mpirun(2, "fit-throw").WaitAsync(Deadline);

        // Then Fit ends both ranks through MPI_Abort with DataParallel's exit code, naming the rank and the error
        Assert.True(probe.Elapsed < FaultBound, $"took {probe.Elapsed.TotalSeconds:F1} s\n{probe.Output}");
        Assert.True(probe.ExitCode == 70, $"expected DataParallel.AbortExitCode 70; exit code {probe.ExitCode}\n{probe.Output}");
        Assert.Contains("Rank 1 of 2 failed; aborting all ranks (exit code 70). System.InvalidOperationException: deliberate failure in a callback at batch 3 on rank 1", probe.Stderr);
        Assert.DoesNotContain("Fit returned although a rank failed", probe.Output);
    }

    [Fact]
    public async Task Should_EndTheOtherRankWithAnErrorNamingTheRank_When_ARankIsKilledDuringFit()
    {
        Assert.SkipWhen(ProbeProcess.SkipReason is not null, ProbeProcess.SkipReason ?? "");
        // Given both ranks training, and rank 1 sent SIGKILL in the middle of an epoch
        using var probe = ProbeProcess.Mpirun(2, "fit-kill");
        var training = await probe.WaitForLineAsync(@"rank 1 pid (\d+) training", Deadline);
        using (var victim = System.Diagnostics.Process.GetProcessById(int.Parse(training.Groups[1].Value, CultureInfo.InvariantCulture)))
            victim.Kill();
        var killedAt = probe.Elapsed;
        await probe.WaitAsync(Deadline);

        // Then mpirun ends rank 0 within the bound, fails, and names the rank
        var stop = probe.Elapsed - killedAt;
        Assert.True(stop < FaultBound, $"mpirun took {stop.TotalSeconds:F1} s to end the job after rank 1 was killed\n{probe.Output}");
        Assert.True(probe.ExitCode != 0, $"mpirun exited 0 after a rank was killed\n{probe.Output}");
        Assert.Matches(@"process rank 1 with PID \d+ on node \S+ exited on signal 9 \(Killed\)", probe.Output);
        Assert.DoesNotContain("without being killed", probe.Output);
    }

    // Every rank throws, and the first abort may end the other rank before it prints: both ranks' messages name the
    // rank that differs and how (rank 1: "... tensor 4 is X here and Y on rank 0", rank 0: "... tensor 4 is X on rank 1 and Y on rank 0").
    [Theory]
    [InlineData("", @"The model 'probe_cnn' (on rank 1 differs from rank 0's|differs across ranks: rank\(s\) 1 hold a different model 'probe_cnn' from rank 0's \(rank 1): tensor 4 is 'dense\.weight \(trainable\)' Float32 \[11, 144\] (here|on rank 1) and 'dense\.weight \(trainable\)' Float32 \[10, 144\] on rank 0")]
    [InlineData("--data", @"The ranks of this data-parallel Fit disagree: rank 1 has training samples = 600 where rank 0 has 640\. Every rank must call Fit with the same data and arguments\.")]
    public async Task Should_RefuseAtTheStartNamingTheDifference_When_RanksBuildDifferentModelsOrPassDifferentData(string option, string pattern)
    {
        Assert.SkipWhen(ProbeProcess.SkipReason is not null, ProbeProcess.SkipReason ?? "");
        // Given rank 1 with a 11-class head (or 600 samples instead of 640)
        using var probe = await ProbeProcess.Mpirun(2, option.Length == 0 ? ["fit-mismatch"] : ["fit-mismatch", option]).WaitAsync(Deadline);

        // Then Fit refuses before any step, in bounded time, with the difference and the rank
        Assert.True(probe.Elapsed < FaultBound, $"took {probe.Elapsed.TotalSeconds:F1} s\n{probe.Output}");
        Assert.True(probe.ExitCode == 70, $"exit code {probe.ExitCode}\n{probe.Output}");
        Assert.Matches(@"Rank \d of 2 failed; aborting all ranks \(exit code 70\)\. System\.InvalidOperationException: " + pattern, probe.Stderr);
        Assert.DoesNotContain("accepted", probe.Stdout);
    }

    [Fact]
    public async Task Should_RunAsAnOrdinarySingleProcess_When_ADataParallelScriptIsNotLaunchedByMpi()
    {
        // No mpirun needed: the same program, started alone, is a single process whose run equals the plain one exactly.
        using var probe = await ProbeProcess.Alone("fit-compare", "--steps", "4", "--batch", "32").WaitAsync(Deadline);

        Assert.True(probe.ExitCode == 0, $"exit code {probe.ExitCode}\n{probe.Output}");
        Assert.Contains("rank 0 of 1: backend single-process; fit-compare", probe.Stdout);
        Assert.Contains("rank 0: compare steps=4 batch=32x1 max-weight-diff=0 ranks-identical=True", probe.Stdout);
        Assert.Contains("averagings=0", probe.Stdout);
        Assert.EndsWith("largest weight difference: 0", probe.Stdout.TrimEnd());
    }
}
